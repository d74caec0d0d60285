"""Parsing of the catalog's query parameters: bad values fall back to defaults, never a 500."""

from __future__ import annotations

from collections.abc import Mapping

from storefront.money import parse_amount

from .services import MAX_PAGE, CatalogFilter, Sort

MAX_QUERY_CHARS = 200


def _int(value: str | None, *, low: int, high: int) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value.strip()[:9])
    return number if low <= number <= high else None


def parse_filter(args: Mapping[str, str]) -> CatalogFilter:
    """Build a CatalogFilter from raw query strings; names of ignored parameters are kept."""
    ignored: list[str] = []
    prices: dict[str, int | None] = {}
    for name in ("min_price", "max_price"):
        raw = (args.get(name) or "").strip()
        prices[name] = None
        if raw:
            try:
                prices[name] = parse_amount(raw)
            except ValueError:
                ignored.append(name)
    low, high = prices["min_price"], prices["max_price"]
    if low is not None and high is not None and low > high:
        low, high = high, low
    raw_shop = args.get("shop") or ""
    shop = _int(raw_shop, low=1, high=100)
    if raw_shop and shop is None:
        ignored.append("shop")
    raw_sort = args.get("sort") or Sort.NEWEST
    sort = Sort(raw_sort) if raw_sort in Sort._value2member_map_ else Sort.NEWEST
    if raw_sort != sort:
        ignored.append("sort")
    craft = (args.get("craft") or "").strip()[:40]
    return CatalogFilter(
        q=(args.get("q") or "").strip()[:MAX_QUERY_CHARS],
        craft=craft,
        shop=shop,
        min_price=low,
        max_price=high,
        sort=sort,
        page=_int(args.get("page"), low=1, high=MAX_PAGE) or 1,
        ignored=tuple(ignored),
    )
