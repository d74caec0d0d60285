"""The relevance set (search_queries.toml) scored against a catalog: recall@20 and timings.

Used by tests/catalog/test_relevance.py (the demo centre, 400 pieces) and benchmarks/search.py
(5,000 pieces, both databases).
"""

from __future__ import annotations

import math
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan, Shop
from storefront.catalog.demo.crafts import CRAFTS
from storefront.catalog.models import Craft, Product, ProductStatus
from storefront.catalog.services import CatalogFilter, Sort, browse

QUERIES_FILE = Path(__file__).with_name("search_queries.toml")
DEPTH = 20
LANGS = ("ar", "fr", "en")


def load_queries() -> list[dict]:
    """The queries of the relevance set, as written."""
    return tomllib.loads(QUERIES_FILE.read_text(encoding="utf-8"))["query"]


def _item_of(title_fr: str, names: list[tuple[str, str]]) -> str | None:
    # The demo's French titles start with the item's name: the longest that fits is the item.
    for fr, en in names:
        if title_fr == fr or title_fr.startswith(fr + " "):
            return en
    return None


@dataclass(frozen=True)
class Piece:
    """What a relevance judgement reads of a live piece."""

    id: int
    item: str | None
    craft: str
    maker: str
    shop: int
    sku: str


def live_pieces(session: Session) -> list[Piece]:
    """Every live piece of the catalog with its demo item, craft, maker and shop."""
    names = sorted({(i.fr, i.en) for c in CRAFTS for i in c.items}, key=lambda n: -len(n[0]))
    rows = session.execute(
        select(Product.id, Product.title_fr, Craft.slug, Artisan.name, Shop.number, Product.sku)
        .join(Craft, Craft.id == Product.craft_id)
        .join(Artisan, Artisan.id == Product.artisan_id)
        .join(Shop, Shop.id == Artisan.shop_id)
        .where(Product.status == ProductStatus.ACTIVE)
    )
    return [Piece(r[0], _item_of(r[1] or "", names), r[2], r[3], r[4], r[5]) for r in rows]


def relevant(query: dict, pieces: list[Piece]) -> set[int]:
    """The ids of the pieces a query must return."""
    return {
        p.id
        for p in pieces
        if p.item in query.get("items", ())
        or p.craft in query.get("crafts", ())
        or p.maker in query.get("makers", ())
        or p.shop in query.get("shops", ())
        or p.sku in query.get("skus", ())
    }


@dataclass(frozen=True)
class Outcome:
    """One query's result: its recall@20, time in ms and the first ids it returned."""

    query: dict
    recall: float
    ms: float
    relevant: int


def run_queries(session: Session, queries: list[dict] | None = None) -> list[Outcome]:
    """Search each query as the catalog page does (first page of 20) and score it.

    A query whose relevant set is empty scores 0: the set must name pieces that exist.
    """
    pieces = live_pieces(session)
    outcomes = []
    for query in queries or load_queries():
        wanted = relevant(query, pieces)
        start = time.perf_counter()
        page = browse(
            session,
            CatalogFilter(q=query["q"], sort=Sort.RELEVANCE),
            per_page=DEPTH,
            lang=query["lang"],
            media_base="/media/products/",
        )
        ms = (time.perf_counter() - start) * 1000
        session.expunge_all()
        got = {p.id for p in page.items}
        recall = len(got & wanted) / min(len(wanted), DEPTH) if wanted else 0.0
        outcomes.append(Outcome(query, recall, ms, len(wanted)))
    return outcomes


def by_language(outcomes: list[Outcome]) -> dict[str, tuple[float, float, int]]:
    """Per language: (mean recall@20, p95 ms, number of queries)."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.query["lang"]].append(outcome)
    table = {}
    for lang in LANGS:
        found = groups.get(lang, [])
        if not found:
            continue
        times = sorted(o.ms for o in found)
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        table[lang] = (sum(o.recall for o in found) / len(found), p95, len(found))
    return table
