"""The runs as users meet the shop: the long tail, signed-in pages, the till, a mixed load.

Each run is measured right after the bare app under the same load shape, and returns one row.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .clients import (
    BarePost,
    Piece,
    Till,
    Timing,
    answers_signed_in,
    buying,
    sign_in,
    time_round_trips,
)
from .servers import fetch
from .wrk import Load, run_wrk, write_paths

LANGS = ("ar", "fr", "en")
MIXED_CONNECTIONS = 32
STAFF = 4
REGISTERS = 2  # the showroom's registers (SHOWROOM_REGISTERS' default); staff share them


@dataclass
class Catalog:
    """What the runs take from the seeded database."""

    slugs: list[str]  # every active piece, for the long tail
    crafts: list[str]
    pieces: list[Piece]  # in stock and over the 10 MAD floor, each bought once at most
    codes: list[str]  # SKUs the till scans


def read_catalog(db_path: str, purchases: int) -> Catalog:
    """The slugs, crafts, pieces to buy and SKUs to scan, from the benchmark's SQLite file."""
    active = "FROM products WHERE status = 'active'"
    with sqlite3.connect(db_path) as conn:
        slugs = [row[0] for row in conn.execute(f"SELECT slug {active} ORDER BY id")]
        crafts = [row[0] for row in conn.execute("SELECT slug FROM crafts ORDER BY id")]
        pieces = conn.execute(
            f"SELECT slug, id {active} AND stock > 0 AND price_minor >= 1000 "
            "ORDER BY id DESC LIMIT ?",
            (purchases,),
        ).fetchall()
        codes = [row[0] for row in conn.execute(f"SELECT sku {active} ORDER BY id LIMIT 200")]
    return Catalog(slugs, crafts, [Piece(*row) for row in pieces], codes)


def paid_online_orders(db_path: str) -> int:
    """How many online orders are paid, read from the database itself."""
    with sqlite3.connect(db_path) as conn:
        sql = "SELECT count(*) FROM orders WHERE channel = 'online' AND status = 'paid'"
        return conn.execute(sql).fetchone()[0]


@dataclass
class RunRow:
    """One run: its throughput and latency beside the bare app's, the largest page it saw."""

    name: str
    rps: float
    p50: float
    p99: float
    bare_rps: float
    largest: int = 0  # bytes of the largest page the run's checks fetched
    notes: str = ""
    errors: list[str] = field(default_factory=list)
    server_errors: int = 0  # answers 5xx, where counted

    @property
    def ratio(self) -> float:
        """Requests per second over the bare app's, measured one after the other."""
        return self.rps / self.bare_rps


def _wrk_row(name: str, load: Load, bare: Load, largest: int) -> RunRow:
    loads = (("bare", bare), (name, load))
    errors = [f"{label}: {run.errors}" for label, run in loads if run.errors]
    row = RunRow(name, load.rps, load.p50, load.p99, bare.rps, largest, errors=errors)
    if load.server_errors is not None:
        row.notes = f"{load.client_errors} 4xx, {load.server_errors} 5xx"
        row.server_errors = load.server_errors
    return row


def _bare_paths(tmp: Path) -> Path:
    # The bare app under the same wrk script as the shop, so both pay its cost in the client.
    return write_paths(["/"], tmp / "bare.txt")


def long_tail(wrk: str, bare: str, shop: str, catalog: Catalog, tmp: Path, seconds: int) -> RunRow:
    """Random product pages of the whole catalog in the three languages, page cache on."""
    paths = [f"/products/{slug}?lang={lang}" for slug in catalog.slugs for lang in LANGS]
    largest = max(fetch(shop + f"/products/{catalog.slugs[-1]}?lang={lang}") for lang in LANGS)
    listed = write_paths(paths, tmp / "long-tail.txt")
    bare_load = run_wrk(wrk, bare, seconds, paths=_bare_paths(tmp))
    load = run_wrk(wrk, shop, seconds, paths=listed)
    name = f"long tail ({len(paths):,} pages)"
    return _wrk_row(name, load, bare_load, largest)


def mixed_paths(catalog: Catalog) -> list[str]:
    """Home, the catalog with filters, sorts and pages, and product pages, as visitors go."""
    crafts = catalog.crafts
    listings = [
        "/",
        "/products",
        "/products?page=2",
        f"/products?craft={crafts[0]}",
        f"/products?craft={crafts[1]}&sort=price_asc",
        f"/products?craft={crafts[2]}&sort=price_desc&page=2",
        "/products?sort=price_asc&page=2",
        "/products?min_price=100&max_price=800&sort=price_asc",
    ]
    step = max(1, len(catalog.slugs) // 12)
    return listings + [f"/products/{slug}" for slug in catalog.slugs[::step][:12]]


def mixed(
    wrk: str, bare: str, shop: str, catalog: Catalog, tmp: Path, db_path: str, seconds: int
) -> RunRow:
    """Catalog browsing on 32 connections while a new buyer pays for a piece every second."""
    paths = mixed_paths(catalog)
    largest = max(fetch(shop + path) for path in paths)
    listed = write_paths(paths, tmp / "mixed.txt")
    bare_load = run_wrk(wrk, bare, seconds, connections=MIXED_CONNECTIONS, paths=_bare_paths(tmp))
    paid_before = paid_online_orders(db_path)
    with buying(shop, catalog.pieces) as tally:
        load = run_wrk(wrk, shop, seconds, connections=MIXED_CONNECTIONS, paths=listed)
    row = _wrk_row(f"mixed: catalog, {MIXED_CONNECTIONS} conn.", load, bare_load, largest)
    row.notes += f"; {tally.paid}/{len(tally.outcomes)} purchases paid"
    row.errors += [f"purchase: {failure}" for failure in tally.failures]
    if (paid := paid_online_orders(db_path) - paid_before) != tally.paid:
        row.errors.append(f"the buyer counted {tally.paid} paid orders, the database {paid}")
    return row


def dashboard(wrk: str, bare: str, shop: str, account: tuple[str, str], seconds: int) -> RunRow:
    """The artisan's dashboard, signed in (wrk sends the session cookie)."""
    browser = sign_in(shop, *account)
    largest = len(browser.open("/dashboard/", expect="/dashboard/").body.encode())
    url, cookie = shop + "/dashboard/", browser.cookie_header()
    bare_load = run_wrk(wrk, bare + "/", seconds)
    load = run_wrk(wrk, url, seconds, headers=[f"Cookie: {cookie}"])
    row = _wrk_row("/dashboard/ signed in", load, bare_load, largest)
    if not answers_signed_in(url, cookie):  # wrk counts a redirect to sign-in as a success
        row.errors.append("the dashboard's session cookie no longer signs in after the run")
    return row


def _staff_at_till(shop: str, account: tuple[str, str], number: int, codes: list[str]) -> Till:
    browser = sign_in(shop, *account)
    register = number % REGISTERS + 1
    browser.open(f"/staff/pos?register={register}", expect="/staff/pos")
    if number < REGISTERS:  # the first at each register opens it with a counted float
        opening = f"/staff/registers/{register}/open"
        browser.open(opening)
        browser.post(opening, {"n_10000": "2", "n_2000": "5"}, expect="/staff/pos")
    return Till(browser, codes[number::STAFF])


def till(bare: str, shop: str, account: tuple[str, str], codes: list[str], seconds: int) -> RunRow:
    """Scan-and-add at the till by 4 staff at once, each signed in on their own session."""
    tills = [_staff_at_till(shop, account, number, codes) for number in range(STAFF)]
    bare_timing = time_round_trips([BarePost(bare) for _ in range(STAFF)], seconds)
    timing = time_round_trips(tills, seconds)
    largest = max(len(staff.browser.page.body.encode()) for staff in tills)
    return _timing_row(f"till scan-and-add, {STAFF} staff", timing, bare_timing, largest)


def _timing_row(name: str, timing: Timing, bare: Timing, largest: int) -> RunRow:
    row = RunRow(name, timing.rps, timing.percentile(0.5), timing.percentile(0.99), bare.rps)
    row.largest = largest
    row.notes = f"{len(timing.latencies)} scans; bare p50 {bare.percentile(0.5):.1f} ms"
    for label, run in (("bare", bare), (name, timing)):
        if run.errors:
            row.errors.append(f"{label}: {len(run.errors)} failed, first: {run.errors[0]}")
    return row
