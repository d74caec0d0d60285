"""Build the demo centre: crafts, the 100 shops, about 60 artisans and N pieces."""

from __future__ import annotations

import random
from datetime import datetime, time
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan, Shop
from storefront.artisans.zone import grid_position
from storefront.catalog.images import StoredImage, store_pixels
from storefront.catalog.models import Craft, Product, ProductImage, ProductStatus
from storefront.catalog.search import fts_insert
from storefront.catalog.slugs import slugify

from . import pictures
from .crafts import CRAFTS, HS_CODES
from .people import BIOS, FAMILY_NAMES, FIRST_NAMES, PLACES, SHOP_PREFIXES
from .products import product_row

SEED = 20261129
PICTURES_PER_CRAFT = 6
# Fixed so that two loads give identical data; the newest piece is from this day.
NEWEST = datetime(2026, 11, 20, 10, 0)
COLOURS = {spec.slug: f"c{i + 1}" for i, spec in enumerate(CRAFTS)}


def _crafts(session: Session) -> dict[str, Craft]:
    crafts = {}
    for position, spec in enumerate(CRAFTS):
        craft = Craft(
            slug=spec.slug,
            kind=spec.kind,
            name_fr=spec.fr,
            name_en=spec.en,
            name_ar=spec.ar,
            colour=COLOURS[spec.slug],
            position=position,
            hs_code=HS_CODES.get(spec.slug),
        )
        session.add(craft)
        crafts[spec.slug] = craft
    session.flush()
    return crafts


def _shops(session: Session, rnd: random.Random, crafts: dict[str, Craft]) -> list[Shop]:
    productive = [s for s in CRAFTS if s.kind == "productive"]
    service = [s for s in CRAFTS if s.kind == "service"]
    shops = []
    for number in range(1, 101):
        is_service = number % 4 == 0
        spec = (
            service[number % len(service)] if is_service else productive[number % len(productive)]
        )
        prefix, prefix_ar = rnd.choice(SHOP_PREFIXES)
        place, place_ar = rnd.choice(PLACES)
        row, col = grid_position(number)
        shop = Shop(
            number=number,
            kind="service" if is_service else "productive",
            craft=crafts[spec.slug],
            name=f"{prefix} {place}",
            name_ar=f"{prefix_ar} {place_ar}",
            map_row=row,
            map_col=col,
            opens_at=time(rnd.choice((9, 9, 10)), 0),
            closes_at=time(rnd.choice((18, 19, 19, 20)), 0),
            closed_weekday=rnd.choice((5, 5, 7, None)),
        )
        session.add(shop)
        shops.append(shop)
    session.flush()
    return shops


def _artisans(session: Session, rnd: random.Random, shops: list[Shop]) -> list[Artisan]:
    productive = [s for s in shops if s.kind == "productive"]
    service = [s for s in shops if s.kind == "service"]
    chosen = rnd.sample(productive, 48)
    seats = chosen + chosen[:8] + rnd.sample(service, 6)
    artisans, used = [], set()
    for i, shop in enumerate(seats):
        while True:
            first, first_ar = rnd.choice(FIRST_NAMES)
            family, family_ar = rnd.choice(FAMILY_NAMES)
            if (first, family) not in used:
                used.add((first, family))
                break
        name, name_ar = f"{first} {family}", f"{first_ar} {family_ar}"
        place, place_ar = rnd.choice(PLACES)
        craft = shop.craft
        values = {"shop": shop.number}
        artisan = Artisan(
            slug=f"{slugify(name)}-{i + 1}",
            name=name,
            name_ar=name_ar,
            source_lang="fr" if i % 7 == 3 else "ar",
            bio_fr=BIOS["fr"].format(
                name=first, place=place, craft=craft.name_fr.lower(), **values
            ),
            bio_en=BIOS["en"].format(
                name=first, place=place, craft=craft.name_en.lower(), **values
            ),
            bio_ar=BIOS["ar"].format(name=first_ar, place=place_ar, craft=craft.name_ar, **values),
            shop=shop,
            craft=craft,
            commission_bps=rnd.choice((None, None, None, None, 800, 1200)),
            since_year=rnd.randint(1978, 2020),
        )
        session.add(artisan)
        artisans.append(artisan)
    session.flush()
    return artisans


def _pictures(media_root: Path) -> dict[str, list[StoredImage]]:
    return {
        slug: [store_pixels(pictures.draw(slug, v), media_root) for v in range(PICTURES_PER_CRAFT)]
        for slug in pictures.MOTIFS
    }


def _products(
    session: Session,
    rnd: random.Random,
    artisans: list[Artisan],
    pool: dict[str, list[StoredImage]],
    count: int,
) -> int:
    specs = {spec.slug: spec for spec in CRAFTS}
    makers = [a for a in artisans if a.craft.kind == "productive"]
    rows = []
    for n in range(1, count + 1):
        artisan = makers[(n * 7 + rnd.randint(0, 2)) % len(makers)]
        rows.append(product_row(n, specs[artisan.craft.slug], artisan, rnd, NEWEST))
    featured_crafts: set[int] = set()
    for row in rows:
        if row["status"] == ProductStatus.ACTIVE and row["craft_id"] not in featured_crafts:
            row["featured"] = True
            featured_crafts.add(row["craft_id"])
    ids = []
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        ids += session.scalars(
            insert(Product).returning(Product.id, sort_by_parameter_order=True), chunk
        ).all()
    fts_insert(session, [(pid, row["search_text"]) for pid, row in zip(ids, rows, strict=True)])
    craft_slug = {a.craft_id: a.craft.slug for a in makers}
    images = []
    for i, (pid, row) in enumerate(zip(ids, rows, strict=True)):
        options = pool[craft_slug[row["craft_id"]]]
        for position in range(1 + i % 3):
            picture = options[(i + position * 2) % len(options)]
            images.append(
                dict(
                    product_id=pid,
                    position=position,
                    key=picture.key,
                    width=picture.width,
                    height=picture.height,
                    widths=picture.widths,
                    alt=row["title_fr"] if position else None,
                )
            )
    for start in range(0, len(images), 2000):
        session.execute(insert(ProductImage), images[start : start + 2000])
    return len(ids)


def load_demo(session: Session, *, products: int = 400, media_root: str | Path) -> dict[str, int]:
    """Fill an empty database with the demo centre; flushes, the caller commits.

    Raises ValueError if the database already has shops (demo data is for empty databases).
    """
    if session.scalar(select(Shop.id).limit(1)) is not None:
        raise ValueError("the database already has shops")
    rnd = random.Random(SEED)
    crafts = _crafts(session)
    shops = _shops(session, rnd, crafts)
    artisans = _artisans(session, rnd, shops)
    pool = _pictures(Path(media_root))
    count = _products(session, rnd, artisans, pool, products)
    session.flush()
    return {"shops": len(shops), "artisans": len(artisans), "products": count}
