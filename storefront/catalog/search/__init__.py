"""Product search for the web and the till: one index, one query, one ranking.

Each piece's `search_text` (see documents.py) holds its words, every language's stems of
them and the synonym table's keys. SQLite reads it through an FTS5 table, PostgreSQL through a
GIN index on its stored `to_tsvector('simple', search_text)` (products.search_vector); both
match the same words, and ranking is done here, in Python, from the document's head, so the
order is the same on both.

Order of results: available pieces first (in stock or made to order), then relevance (see
query.hit: exact title word, then stem, then prefix, then synonym, then elsewhere), then the
newest, then the highest id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan

from ..models import Craft, Product
from .documents import HALF, DocumentTexts, build_document
from .language import normalise, words
from .query import ParsedQuery, Term, parse_query, score
from .suggest import Fixed, correct

__all__ = [
    "DocumentTexts",
    "Found",
    "available_now",
    "build_document",
    "document_texts",
    "find",
    "fts_insert",
    "normalise",
    "refresh_search",
    "words",
]


def document_texts(product: Product, artisan: Artisan, craft: Craft) -> DocumentTexts:
    """What the index reads of a piece, its maker, the maker's shop and its craft."""
    return DocumentTexts(
        sku=product.sku,
        titles=(product.title_ar, product.title_fr, product.title_en),
        details=(
            product.description_ar,
            product.description_fr,
            product.description_en,
            product.materials_ar,
            product.materials_fr,
            product.materials_en,
        ),
        maker_names=(artisan.name, artisan.name_ar),
        craft_names=(craft.name_ar, craft.name_fr, craft.name_en),
        shop_number=artisan.shop.number if artisan.shop is not None else None,
    )


def refresh_search(session: Session, products: Iterable[Product]) -> None:
    """Recompute search text for products (after their text, maker or craft changed); flushes."""
    items = list(products)
    if not items:
        return
    for product in items:
        product.search_text = build_document(
            document_texts(product, product.artisan, product.craft)
        )
    session.flush()
    fts_insert(session, [(p.id, p.search_text) for p in items])


def fts_insert(session: Session, rows: list[tuple[int, str]]) -> None:
    """Replace the SQLite full-text rows of some products; nothing to do on PostgreSQL."""
    if not rows or session.get_bind().dialect.name != "sqlite":
        return
    ids = [product_id for product_id, _ in rows]
    session.execute(delete(_FTS).where(_FTS.c.rowid.in_(ids)))
    session.execute(insert(_FTS), [{"rowid": pid, "body": body} for pid, body in rows])


# The FTS5 table is made by migration 0001; this describes it for statements only.
_FTS = Table(
    "products_fts", MetaData(), Column("rowid", Integer, primary_key=True), Column("body", Text)
)


def available_now() -> ColumnElement[bool]:
    """Pieces a buyer can order now: in stock, or made to order (see Product.available)."""
    return or_(Product.stock > 0, Product.made_to_order.is_(True))


def _whole_words(term: Term) -> list[str]:
    """The term's whole index words that its prefix does not already find."""
    return sorted(w for w in term.alternatives if not (term.prefix and w.startswith(term.prefix)))


def _matching(session: Session, terms: tuple[Term, ...]) -> ColumnElement[bool]:
    """A WHERE clause: every term finds one of its index words in the piece's text.

    Words the prefix already finds are left out of the statement: PostgreSQL's planner counts
    each alternative as if it found other pieces, and would scan the table for a broad word.
    """
    if session.get_bind().dialect.name == "sqlite":
        groups = []
        for term in terms:
            options = [f'"{w}"' for w in _whole_words(term)]
            if term.prefix:
                options.insert(0, f'"{term.prefix}"*')
            groups.append("(" + " OR ".join(options) + ")")
        ids = (
            select(literal_column("rowid"))
            .select_from(text("products_fts"))
            .where(
                text("products_fts MATCH :fts").bindparams(bindparam("fts", " AND ".join(groups)))
            )
        )
        return Product.id.in_(ids)
    groups = []
    for term in terms:
        options = _whole_words(term)
        if term.prefix:
            options.insert(0, term.prefix + ":*")
        groups.append("(" + " | ".join(options) + ")")
    # products.search_vector is to_tsvector('simple', search_text), stored (migration 0011).
    return literal_column("products.search_vector").op("@@")(
        func.to_tsquery(literal_column("'simple'"), bindparam("tsq", " & ".join(groups)))
    )


def _head(session: Session) -> ColumnElement[str]:
    marker = HALF.strip()
    if session.get_bind().dialect.name == "sqlite":
        cut = func.instr(Product.search_text + " " + marker, marker)
        return func.substr(Product.search_text, 1, cut - 1)
    return func.split_part(Product.search_text, marker, 1)


class Hit(NamedTuple):
    """One matching piece with what ordering needs; price in minor units."""

    id: int
    score: int
    available: bool
    price_minor: int
    # ISO text ("2026-01-01 12:00:00..."), which sorts as the time does: read as text, the
    # thousands of rows a broad search matches skip the driver's date parsing.
    created_at: str


def rank(hits: list[Hit]) -> list[Hit]:
    """Sort hits in the search order (see the module docstring), in place; returns them.

    Two stable sorts: newest (then highest id) first, then available and relevance over it.
    """
    hits.sort(key=lambda h: (h.created_at, h.id), reverse=True)
    hits.sort(key=lambda h: (not h.available, -h.score))
    return hits


@dataclass(frozen=True)
class Found:
    """The pieces a query found, best first, and how the query was read.

    `corrected` is the query that was searched instead when the typed one found nothing
    ("did you mean"); `left_out` holds typed words that were not searched for.
    """

    hits: list[Hit]
    query: ParsedQuery
    corrected: str | None = None
    left_out: tuple[str, ...] = field(default=())

    @property
    def ids(self) -> list[int]:
        """The ids of the pieces found, best first."""
        return [h.id for h in self.hits]


SEQSCAN_OFF = text("SET LOCAL enable_seqscan = off")
SEQSCAN_ON = text("SET LOCAL enable_seqscan = on")


def _hits(session: Session, terms: tuple[Term, ...], where: list) -> list[Hit]:
    stmt = select(
        Product.id,
        _head(session),
        available_now(),
        Product.price_minor,
        cast(Product.created_at, String),
    ).where(*where, _matching(session, terms))
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        # The planner prices a scan of every row below the GIN index for a broad word (a tenth
        # of the catalog or more), not counting that each row's words must be read out of
        # TOAST storage: 20 ms against 4 ms through the index on 5,000 pieces. This statement
        # only, in this transaction.
        session.execute(SEQSCAN_OFF)
    try:
        rows = session.execute(stmt).tuples().all()
    finally:
        if postgresql:
            session.execute(SEQSCAN_ON)
    hits = [
        Hit(pid, score(terms, head or ""), bool(avail), price, created)
        for pid, head, avail, price, created in rows
    ]
    return rank(hits)


def find(session: Session, query: str, *, where: Iterable[ColumnElement[bool]] = ()) -> Found:
    """Every piece satisfying `where` that the query finds, ranked (see the module docstring).

    One SQL statement when the query finds something; when it finds nothing, typos are
    corrected and unknown words left out (see suggest.correct), with up to four more (the
    catalog version, the vocabulary when that changed, one or two searches). A query of no
    words finds nothing.
    """
    conditions = list(where)
    parsed = parse_query(query)
    if not parsed.terms:
        return Found([], parsed)
    hits = _hits(session, parsed.terms, conditions)
    if hits:
        return Found(hits, parsed, left_out=parsed.left_out)
    fixed = correct(session, parsed.terms)
    if fixed is None or not fixed.terms:
        return Found([], parsed, left_out=parsed.left_out)
    hits = _hits(session, fixed.terms, conditions)
    if not hits and fixed.changed:
        # The corrections together find nothing: search the words that were right alone.
        known = tuple(t for t in fixed.terms if t in parsed.terms)
        dropped = tuple(t.text for t in parsed.terms if t not in known)
        if known:
            fixed = Fixed(known, " ".join(t.text for t in known), False, dropped)
            hits = _hits(session, known, conditions)
    if not hits:
        return Found([], parsed, left_out=parsed.left_out)
    return Found(
        hits,
        fixed.query,
        corrected=fixed.text if fixed.changed else None,
        left_out=parsed.left_out + fixed.left_out,
    )
