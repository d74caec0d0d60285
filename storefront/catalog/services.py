"""Catalog queries for the public pages; each runs a fixed number of SQL statements."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session, joinedload, with_expression

from storefront.artisans.models import Artisan, Shop

from . import search
from .cards import Card, card_rows, cards_by_ids, held_by_payment, load_cards
from .models import Craft, Product, ProductStatus

MAX_PAGE = 10_000


class Sort(StrEnum):
    """Orders the catalog can be sorted in."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"


@dataclass(frozen=True)
class CatalogFilter:
    """Validated catalog parameters (see catalog.forms.parse_filter); prices in minor units."""

    q: str = ""
    craft: str = ""
    shop: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: Sort = Sort.NEWEST
    page: int = 1
    available: bool = False
    ignored: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Page:
    """One page of results (product cards) and what is needed to link to the others."""

    items: list[Card]
    total: int
    page: int
    per_page: int
    # How a search was read: the query searched instead ("did you mean"), words left out.
    corrected: str | None = None
    left_out: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def _conditions(flt: CatalogFilter) -> list:
    conditions = [Product.status == ProductStatus.ACTIVE]
    if flt.available:
        conditions.append(search.available_now())
    if flt.craft:
        conditions.append(Product.craft_id.in_(select(Craft.id).where(Craft.slug == flt.craft)))
    if flt.shop is not None:
        makers = select(Artisan.id).join(Shop).where(Shop.number == flt.shop)
        conditions.append(Product.artisan_id.in_(makers))
    if flt.min_price is not None:
        conditions.append(Product.price_minor >= flt.min_price)
    if flt.max_price is not None:
        conditions.append(Product.price_minor <= flt.max_price)
    return conditions


ORDERS = {
    Sort.RELEVANCE: (Product.created_at.desc(), Product.id.desc()),
    Sort.NEWEST: (Product.created_at.desc(), Product.id.desc()),
    Sort.PRICE_ASC: (Product.price_minor.asc(), Product.id.asc()),
    Sort.PRICE_DESC: (Product.price_minor.desc(), Product.id.desc()),
}


def _page(
    session: Session,
    conditions: list,
    order,
    page: int,
    per_page: int,
    *,
    lang: str,
    media_base: str,
) -> Page:
    """Count, clamp the page number to the last page, and load that page's cards."""
    total = session.scalar(select(func.count(Product.id)).where(*conditions)) or 0
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    stmt = (
        card_rows()
        .where(*conditions)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    cards = load_cards(session, stmt, lang=lang, media_base=media_base)
    return Page(cards, total, page, per_page)


# Search results in another order than relevance, each after available first (stable sorts).
HIT_ORDERS = {
    Sort.NEWEST: (lambda h: (h.created_at, h.id), True),
    Sort.PRICE_ASC: (lambda h: (h.price_minor, h.id), False),
    Sort.PRICE_DESC: (lambda h: (h.price_minor, h.id), True),
}


def _search_page(
    session: Session, flt: CatalogFilter, per_page: int, *, lang: str, media_base: str
) -> Page:
    """One page of search results: one search statement and two loading queries."""
    found = search.find(session, flt.q, where=_conditions(flt))
    hits = found.hits
    if flt.sort in HIT_ORDERS:
        key, reverse = HIT_ORDERS[flt.sort]
        hits = sorted(hits, key=key, reverse=reverse)
        hits.sort(key=lambda h: not h.available)
    total = len(hits)
    page = min(max(1, flt.page), max(1, math.ceil(total / per_page)))
    ids = [h.id for h in hits[(page - 1) * per_page : page * per_page]]
    cards = cards_by_ids(session, ids, lang=lang, media_base=media_base)
    return Page(cards, total, page, per_page, found.corrected, found.left_out)


def browse(
    session: Session, flt: CatalogFilter, *, per_page: int, lang: str, media_base: str
) -> Page:
    """Filter, sort and page the live catalog, searching when there is a query.

    A fixed number of statements: one count (or one search) and two loading queries. lang
    (ar|fr|en) and media_base (the photos' URL prefix) shape the cards, see cards.py.
    """
    if flt.q.strip():
        return _search_page(session, flt, per_page, lang=lang, media_base=media_base)
    return _page(
        session,
        _conditions(flt),
        ORDERS[flt.sort],
        flt.page,
        per_page,
        lang=lang,
        media_base=media_base,
    )


# Built once: a statement object keeps its cache key, so each page skips recomputing it.
# One statement: a piece has a handful of photos, so joining them costs less than a second query.
PRODUCT_BY_SLUG = (
    select(Product)
    .where(
        Product.slug == bindparam("slug"),
        Product.status.in_([ProductStatus.ACTIVE, ProductStatus.ARCHIVED]),
    )
    .options(
        joinedload(Product.artisan).joinedload(Artisan.shop),
        joinedload(Product.craft),
        joinedload(Product.public_images),
        with_expression(Product.held, held_by_payment()),
    )
)
MORE_BY_ARTISAN = (
    card_rows()
    .where(
        Product.status == ProductStatus.ACTIVE,
        Product.artisan_id == bindparam("artisan_id"),
        Product.id != bindparam("product_id"),
    )
    .order_by(Product.created_at.desc(), Product.id.desc())
    .limit(bindparam("limit", type_=Integer))
)
# Only pieces a visitor can order now (search.available_now): a sold-out piece is not featured.
FEATURED = (
    card_rows()
    .where(Product.status == ProductStatus.ACTIVE, search.available_now())
    # Featured pieces first, then the newest: (featured, newest) in one statement.
    .order_by(Product.featured.desc(), Product.created_at.desc(), Product.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


def product_by_slug(session: Session, slug: str) -> Product | None:
    """A live or archived product with its maker, shop, craft and images; None if not public."""
    return session.scalars(PRODUCT_BY_SLUG, {"slug": slug}).unique().one_or_none()


def more_by_artisan(
    session: Session, product: Product, *, lang: str, media_base: str, limit: int = 4
) -> list[Card]:
    """Other live pieces by the same maker, newest first, as cards."""
    params = {"artisan_id": product.artisan_id, "product_id": product.id, "limit": limit}
    return load_cards(session, MORE_BY_ARTISAN, params, lang=lang, media_base=media_base)


def featured(session: Session, *, lang: str, media_base: str, limit: int = 8) -> list[Card]:
    """Available pieces the centre features on the home page, topped up with the newest."""
    return load_cards(session, FEATURED, {"limit": limit}, lang=lang, media_base=media_base)


_LIVE_COUNTS = (
    select(Product.craft_id, func.count().label("n"))
    .where(Product.status == ProductStatus.ACTIVE)
    .group_by(Product.craft_id)
    .subquery()
)
CRAFTS_WITH_COUNTS = (
    select(Craft, _LIVE_COUNTS.c.n)
    .join(_LIVE_COUNTS, _LIVE_COUNTS.c.craft_id == Craft.id)
    .order_by(Craft.position, Craft.id)
)
ALL_CRAFTS = select(Craft).order_by(Craft.position, Craft.id)


def crafts_with_counts(session: Session) -> list[tuple[Craft, int]]:
    """Every craft that has live pieces, with how many, in the centre's order."""
    return [(craft, n) for craft, n in session.execute(CRAFTS_WITH_COUNTS)]


def all_crafts(session: Session) -> list[Craft]:
    """Every craft, in the centre's order."""
    return list(session.scalars(ALL_CRAFTS))


def products_of(
    session: Session,
    *,
    artisan_ids: list[int],
    page: int,
    per_page: int,
    lang: str,
    media_base: str,
) -> Page:
    """Live pieces by some artisans (one maker, or a shop's makers), newest first, as cards."""
    if not artisan_ids:
        return Page([], 0, 1, per_page)
    conditions = [Product.status == ProductStatus.ACTIVE, Product.artisan_id.in_(artisan_ids)]
    return _page(
        session, conditions, ORDERS[Sort.NEWEST], page, per_page, lang=lang, media_base=media_base
    )


MAKERS_TO_MEET = (
    select(Artisan)
    .where(
        Artisan.active.is_(True),
        select(Product.id)
        .where(Product.artisan_id == Artisan.id, Product.status == ProductStatus.ACTIVE)
        .exists(),
    )
    .options(joinedload(Artisan.shop), joinedload(Artisan.craft))
    .order_by(Artisan.since_year.asc().nulls_last(), Artisan.id)
    .limit(bindparam("limit", type_=Integer))
)


def makers_to_meet(session: Session, *, limit: int = 6) -> list[Artisan]:
    """Active makers with live pieces to introduce on the home page, the longest-serving first."""
    return list(session.scalars(MAKERS_TO_MEET, {"limit": limit}).unique())
