"""Product search: one normalised text per product, FTS5 on SQLite, GIN full text on PostgreSQL."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan

from .models import Craft, Product

# Arabic short vowels and tatweel carry no meaning for search; alef and yeh variants are folded.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
MAX_TERM_LENGTH = 40


def normalise(value: str) -> str:
    """Lower-case, strip accents and Arabic diacritics, fold letter variants."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_ARABIC_FOLD)


def terms(query: str) -> list[str]:
    """The search words of a query, normalised; long queries are cut, not refused."""
    words = _WORD.findall(normalise(query[:400]))
    return [w[:MAX_TERM_LENGTH] for w in words[:MAX_TERMS]]


def search_document(product: Product, artisan: Artisan, craft: Craft) -> str:
    """Everything a buyer may type to find a product, in every language."""
    parts = [
        product.sku,
        product.title_ar,
        product.title_fr,
        product.title_en,
        product.description_ar,
        product.description_fr,
        product.description_en,
        product.materials_ar,
        product.materials_fr,
        product.materials_en,
        artisan.name,
        artisan.name_ar,
        craft.name_ar,
        craft.name_fr,
        craft.name_en,
    ]
    return normalise(" ".join(p for p in parts if p))


def refresh_search(session: Session, products: Iterable[Product]) -> None:
    """Recompute search text for products (after their text, maker or craft changed); flushes."""
    items = list(products)
    if not items:
        return
    for product in items:
        product.search_text = search_document(product, product.artisan, product.craft)
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


def matching(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause selecting products whose text holds every word (as a prefix) of query."""
    words = terms(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        expression = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        ids = (
            select(literal_column("rowid"))
            .select_from(text("products_fts"))
            .where(text("products_fts MATCH :fts").bindparams(bindparam("fts", expression)))
        )
        return Product.id.in_(ids)
    expression = " & ".join(w.replace("'", "").replace("\\", "") + ":*" for w in words)
    return func.to_tsvector("simple", Product.search_text).op("@@")(
        func.to_tsquery("simple", expression)
    )
