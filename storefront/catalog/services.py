"""Catalog queries for the public pages; each runs a fixed number of SQL statements."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, column, func, select, table
from sqlalchemy.orm import Session, joinedload, selectinload, with_expression

from storefront.artisans.models import Artisan, Shop

from . import search
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
    """One page of results and what is needed to link to the others."""

    items: list[Product]
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


# Read by name, not imported: orders sit above catalog (DESIGN.md, layers import downwards).
_orders = table("orders", column("id"), column("status"))
_lines = table("order_lines", column("order_id"), column("product_id"), column("taken_quantity"))


def held_by_payment() -> ColumnElement[bool]:
    """Whether some of a piece's stock is held by an order waiting for its payment."""
    return (
        select(_lines.c.product_id)
        .join(_orders, _orders.c.id == _lines.c.order_id)
        .where(
            _lines.c.product_id == Product.id,
            _lines.c.taken_quantity > 0,
            _orders.c.status == "pending_payment",
        )
        .exists()
    )


def _with_cards(stmt: Select) -> Select:
    """Load what a product card shows (maker, shop, craft, images, held stock) in two trips."""
    return stmt.options(
        joinedload(Product.artisan).joinedload(Artisan.shop),
        joinedload(Product.craft),
        selectinload(Product.public_images),
        with_expression(Product.held, held_by_payment()),
    )


def _live() -> Select:
    return select(Product).where(Product.status == ProductStatus.ACTIVE)


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


def _page(session: Session, conditions: list, order, page: int, per_page: int) -> Page:
    """Count, clamp the page number to the last page, and load that page's cards."""
    total = session.scalar(select(func.count(Product.id)).where(*conditions)) or 0
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    stmt = _with_cards(
        select(Product)
        .where(*conditions)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(session.scalars(stmt).unique()), total, page, per_page)


# Search results in another order than relevance, each after available first (stable sorts).
HIT_ORDERS = {
    Sort.NEWEST: (lambda h: (h.created_at, h.id), True),
    Sort.PRICE_ASC: (lambda h: (h.price_minor, h.id), False),
    Sort.PRICE_DESC: (lambda h: (h.price_minor, h.id), True),
}


def _search_page(session: Session, flt: CatalogFilter, per_page: int) -> Page:
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
    return Page(pieces_by_id(session, ids), total, page, per_page, found.corrected, found.left_out)


def pieces_by_id(session: Session, ids: list[int]) -> list[Product]:
    """Products with what their cards show, in the order of `ids` (missing ones left out)."""
    if not ids:
        return []
    loaded = {
        p.id: p
        for p in session.scalars(_with_cards(select(Product).where(Product.id.in_(ids)))).unique()
    }
    return [loaded[i] for i in ids if i in loaded]


def browse(session: Session, flt: CatalogFilter, *, per_page: int) -> Page:
    """Filter, sort and page the live catalog, searching when there is a query.

    A fixed number of statements: one count (or one search) and two loading queries.
    """
    if flt.q.strip():
        return _search_page(session, flt, per_page)
    return _page(session, _conditions(flt), ORDERS[flt.sort], flt.page, per_page)


def product_by_slug(session: Session, slug: str) -> Product | None:
    """A live or archived product with its maker, shop, craft and images; None if not public."""
    stmt = _with_cards(
        select(Product).where(
            Product.slug == slug,
            Product.status.in_([ProductStatus.ACTIVE, ProductStatus.ARCHIVED]),
        )
    )
    return session.scalars(stmt).unique().one_or_none()


def more_by_artisan(session: Session, product: Product, *, limit: int = 4) -> list[Product]:
    """Other live pieces by the same maker, newest first."""
    stmt = _with_cards(
        _live()
        .where(Product.artisan_id == product.artisan_id, Product.id != product.id)
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


def featured(session: Session, *, limit: int = 8) -> list[Product]:
    """Available pieces the centre features on the home page, topped up with the newest.

    Only pieces a visitor can order now (search.available_now): a sold-out piece is not shown.
    """
    order = (Product.created_at.desc(), Product.id.desc())
    live = _live().where(search.available_now())
    chosen = list(
        session.scalars(
            _with_cards(live.where(Product.featured.is_(True)).order_by(*order).limit(limit))
        ).unique()
    )
    if len(chosen) < limit:
        newest = _with_cards(
            live.where(Product.featured.is_(False)).order_by(*order).limit(limit - len(chosen))
        )
        chosen += list(session.scalars(newest).unique())
    return chosen


def crafts_with_counts(session: Session) -> list[tuple[Craft, int]]:
    """Every craft that has live pieces, with how many, in the centre's order."""
    counts = (
        select(Product.craft_id, func.count().label("n"))
        .where(Product.status == ProductStatus.ACTIVE)
        .group_by(Product.craft_id)
        .subquery()
    )
    stmt = (
        select(Craft, counts.c.n)
        .join(counts, counts.c.craft_id == Craft.id)
        .order_by(Craft.position, Craft.id)
    )
    return [(craft, n) for craft, n in session.execute(stmt)]


def all_crafts(session: Session) -> list[Craft]:
    """Every craft, in the centre's order."""
    return list(session.scalars(select(Craft).order_by(Craft.position, Craft.id)))


def products_of(session: Session, *, artisan_ids: list[int], page: int, per_page: int) -> Page:
    """Live pieces by some artisans (one maker, or a shop's makers), newest first."""
    if not artisan_ids:
        return Page([], 0, 1, per_page)
    conditions = [Product.status == ProductStatus.ACTIVE, Product.artisan_id.in_(artisan_ids)]
    return _page(session, conditions, ORDERS[Sort.NEWEST], page, per_page)


def makers_to_meet(session: Session, *, limit: int = 6) -> list[Artisan]:
    """Active makers with live pieces to introduce on the home page, the longest-serving first."""
    has_live = (
        select(Product.id)
        .where(Product.artisan_id == Artisan.id, Product.status == ProductStatus.ACTIVE)
        .exists()
    )
    stmt = (
        select(Artisan)
        .where(Artisan.active.is_(True), has_live)
        .options(joinedload(Artisan.shop), joinedload(Artisan.craft))
        .order_by(Artisan.since_year.asc().nulls_last(), Artisan.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())
