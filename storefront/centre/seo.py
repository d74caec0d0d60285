"""What search engines read: canonical and alternate-language links, Open Graph, JSON-LD.

Every absolute address is built from PUBLIC_URL (storefront.urls), never from the request's
Host header. A page in one language is `<path>?<its query>&lang=xx`; the address without
`lang` is the x-default (the visitor's Accept-Language decides).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import request

from storefront.catalog.models import Product, ProductStatus
from storefront.i18n import LANGUAGES, current_lang, tr
from storefront.money import CURRENCY, MINOR_PER_UNIT
from storefront.templating import media_url
from storefront.urls import public_base, public_path_url

# Open Graph's locale names (language_TERRITORY) for the shop's languages.
OG_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en_GB"}
SCHEMA = "https://schema.org/"
# Characters that could end a <script> element or start markup, escaped inside JSON strings.
JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def lang_url(path: str, lang: str | None, query: list[tuple[str, str]] | None = None) -> str:
    """The absolute address of `path` in `lang` (None: without ?lang=, the x-default).

    `query` pairs are kept in their order, any `lang` among them dropped; `lang` comes last.
    """
    pairs = [(k, v) for k, v in (query or []) if k != "lang"]
    if lang:
        pairs.append(("lang", lang))
    return public_base() + path + ("?" + urlencode(pairs) if pairs else "")


def page_url(lang: str | None = "") -> str:
    """The page being rendered at its public address, in `lang` ("" = the page's language)."""
    chosen = current_lang() if lang == "" else lang
    return lang_url(request.path, chosen, list(request.args.items(multi=True)))


def page_alternates() -> list[tuple[str, str]]:
    """(hreflang, address) for each language and x-default, for <link rel="alternate">."""
    links = [(code, page_url(code)) for code in LANGUAGES]
    links.append(("x-default", page_url(None)))
    return links


def og_locale(lang: str | None = None) -> str:
    """Open Graph's name of a language: ar -> ar_MA."""
    return OG_LOCALES[lang or current_lang()]


def photo_url(product: Product) -> str | None:
    """The absolute address of a piece's first public photo, largest JPEG, or None."""
    for image in product.public_images:
        if image.variant_widths:
            return public_path_url(
                media_url(f"products/{image.key}-{image.variant_widths[-1]}.jpg")
            )
    return None


def decimal_text(minor: int) -> str:
    """Minor units as schema.org wants a price: digits, a dot, two decimals (125000 -> 1250.00)."""
    units, cents = divmod(minor, MINOR_PER_UNIT)
    return f"{units}.{cents:02d}"


def availability(product: Product) -> str:
    """schema.org ItemAvailability of a piece, from its status and stock.

    In stock: live with stock; made to order: live, none in stock but made on request;
    discontinued: archived; out of stock: live and sold out.
    """
    if product.status != ProductStatus.ACTIVE:
        return SCHEMA + "Discontinued"
    if product.stock > 0:
        return SCHEMA + "InStock"
    return SCHEMA + ("MadeToOrder" if product.made_to_order else "OutOfStock")


def product_json_ld(product: Product) -> str:
    """schema.org Product data for a piece's page, as text safe inside <script type=...json>.

    Shape: {"@context", "@type": "Product", name, description, sku, url, image: [..],
    brand: {"@type": "Brand", name: the maker}, category, offers: {"@type": "Offer",
    price: "1250.00", priceCurrency: "MAD", availability, url}}. The price is in MAD, as
    charged. "<", ">" and "&" are written as \\u escapes, so no text of the piece can close
    the element.
    """
    lang = current_lang()
    url = page_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": tr(product, "title", lang),
        "description": tr(product, "description", lang),
        "sku": product.sku,
        "url": url,
        "category": tr(product.craft, "name", lang),
        "brand": {"@type": "Brand", "name": product.artisan.display_name(lang)},
        "offers": {
            "@type": "Offer",
            "price": decimal_text(product.price_minor),
            "priceCurrency": CURRENCY.upper(),
            "availability": availability(product),
            "url": url,
        },
    }
    photo = photo_url(product)
    if photo:
        data["image"] = [photo]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_IN_HTML)
