"""Demo pieces: titles, descriptions, prices and stock for each artisan's craft."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from storefront.artisans.models import Artisan
from storefront.catalog.models import ProductStatus
from storefront.catalog.search import DocumentTexts, build_document
from storefront.catalog.slugs import slugify

from .crafts import COMMON_QUALIFIERS, CraftSpec, Item, agree
from .people import DESCRIPTIONS

LANGS = ("fr", "en", "ar")


def _texts(spec: CraftSpec, item: Item, rnd: random.Random, artisan: Artisan) -> dict[str, str]:
    qualifier = rnd.choice(spec.qualifiers + COMMON_QUALIFIERS)
    material = rnd.choice(spec.materials)
    names = {"fr": artisan.name, "en": artisan.name, "ar": artisan.name_ar or artisan.name}
    items = {"fr": item.fr, "en": item.en, "ar": item.ar}
    genders = {"fr": item.fr_gender, "en": "m", "ar": item.ar_gender}
    values: dict[str, str] = {}
    for i, lang in enumerate(LANGS):
        qual = agree(qualifier[i], genders[lang], lang)
        values[f"title_{lang}"] = f"{items[lang]} {qual}"
        values[f"description_{lang}"] = DESCRIPTIONS[lang].format(
            item=items[lang], qualifier=qual, name=names[lang], material=material[i]
        )
        values[f"materials_{lang}"] = material[i]
    return values


def _stock(spec: CraftSpec, rnd: random.Random) -> tuple[int, bool, int | None]:
    roll = rnd.random()
    if roll < spec.made_to_order_share * 0.5:
        return 0, True, rnd.choice((7, 10, 14, 21, 30))
    if roll < 0.62:
        return 1, False, None
    if roll < 0.95:
        return rnd.randint(2, 8), False, None
    return 0, False, None


def product_row(
    n: int, spec: CraftSpec, artisan: Artisan, rnd: random.Random, newest: datetime
) -> dict:
    """The column values of demo piece number n (1-based) by one artisan."""
    item = rnd.choice(spec.items)
    texts = _texts(spec, item, rnd, artisan)
    slug_base = slugify(texts["title_en"])
    # Some pieces lack an English text: pages fall back to the maker's own language.
    if n % 11 == 5:
        texts["title_en"] = texts["description_en"] = None
    price_mad = rnd.randint(item.low // 10, item.high // 10) * 10
    stock, made_to_order, lead_days = _stock(spec, rnd)
    status = ProductStatus.PENDING_REVIEW if n % 97 == 13 else ProductStatus.ACTIVE
    sku = f"GLM-{artisan.shop.number:03d}-{n:05d}"
    document = DocumentTexts(
        sku=sku,
        titles=tuple(texts[f"title_{lang}"] for lang in LANGS),
        details=(
            *(texts[f"description_{lang}"] for lang in LANGS),
            *(texts[f"materials_{lang}"] for lang in LANGS),
        ),
        maker_names=(artisan.name, artisan.name_ar),
        craft_names=(spec.fr, spec.en, spec.ar),
        shop_number=artisan.shop.number,
    )
    return dict(
        slug=f"{slug_base}-{n}",
        sku=sku,
        artisan_id=artisan.id,
        craft_id=artisan.craft_id,
        source_lang=artisan.source_lang,
        **texts,
        dimensions=item.size,
        price_minor=price_mad * 100,
        stock=stock,
        status=status,
        made_to_order=made_to_order,
        lead_days=lead_days,
        weight_grams=item.grams,
        featured=False,
        search_text=build_document(document),
        created_at=newest - timedelta(minutes=n * 37),
        updated_at=newest - timedelta(minutes=n * 37),
        published_at=None if status != ProductStatus.ACTIVE else newest - timedelta(minutes=n * 37),
    )
