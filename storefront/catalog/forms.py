"""Parsing of the catalog's query parameters: bad values fall back to defaults, never a 500."""

from __future__ import annotations

from collections.abc import Mapping

from storefront.artisans.models import SHOP_COUNT
from storefront.inputs import parse_int
from storefront.money import parse_amount

from .models import MAX_PRICE_MINOR
from .services import MAX_PAGE, CatalogFilter, Sort

MAX_QUERY_CHARS = 200


def parse_filter(args: Mapping[str, str]) -> CatalogFilter:
    """Build a CatalogFilter from raw query strings; names of ignored parameters are kept."""
    ignored: list[str] = []
    prices: dict[str, int | None] = {}
    for name in ("min_price", "max_price"):
        raw = (args.get(name) or "").strip()
        prices[name] = None
        if raw:
            try:
                # No listing costs more than MAX_PRICE_MINOR, so a higher bound means the same.
                prices[name] = min(parse_amount(raw), MAX_PRICE_MINOR + 1)
            except ValueError:
                ignored.append(name)
    low, high = prices["min_price"], prices["max_price"]
    if low is not None and high is not None and low > high:
        low, high = high, low
    raw_shop = args.get("shop") or ""
    shop = parse_int(raw_shop, low=1, high=SHOP_COUNT)
    if raw_shop and shop is None:
        ignored.append("shop")
    query = (args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    # A search is in order of relevance unless another order is asked for; a list is newest first.
    default = Sort.RELEVANCE if query else Sort.NEWEST
    raw_sort = args.get("sort") or default
    sort = Sort(raw_sort) if raw_sort in Sort._value2member_map_ else default
    if raw_sort != sort:
        ignored.append("sort")
    if sort == Sort.RELEVANCE and not query:
        sort = Sort.NEWEST
    raw_available = (args.get("available") or "").strip()
    if raw_available not in ("", "1", "on"):
        ignored.append("available")
    craft = (args.get("craft") or "").strip()[:40]
    return CatalogFilter(
        q=query,
        craft=craft,
        shop=shop,
        min_price=low,
        max_price=high,
        sort=sort,
        page=parse_int(args.get("page"), low=1, high=MAX_PAGE) or 1,
        available=raw_available in ("1", "on"),
        ignored=tuple(ignored),
    )
