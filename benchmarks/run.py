"""Throughput and latency as users meet the shop, against a bare Flask app, on 127.0.0.1 only.

Seeds 5,000 pieces in a temporary SQLite database, serves the shop and a bare "hello" app with
gunicorn (2 workers each) and measures, each run right after the bare app under the same load:

- each catalog page with wrk, as visitors get it (page cache on) and rendered each time (cache
  off): req/s, p50, p99, the ratio to the bare app, the page size and its SQL statement count;
- the long tail: random product pages of the whole catalog in ar, fr and en (cache on);
- the artisan dashboard, signed in (wrk with the session cookie);
- the till's scan-and-add round trip by 4 staff at once, each signed in on their own session
  (a Python client; the bare app gets the same POST-redirect-GET from the same client);
- a mixed run: wrk on 32 connections over home, filtered catalog pages and product pages while
  a buyer pays for one piece a second through the test gateway; 4xx, 5xx and purchases counted;
- then search relevance and speed, on SQLite and PostgreSQL (benchmarks/search.py).

The shop trusts one proxy hop (TRUSTED_PROXY_HOPS=1, as in production behind TLS), so each
buyer comes from their own address. Every step has a time limit, and the servers are stopped on
errors, Ctrl-C and SIGTERM.

Knobs: BENCH_PRODUCTS (5000), BENCH_DURATION (10s per run), BENCH_UNCACHED=0 skips the
cache-off pass.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from . import runs, search
from .servers import BIN, fetch, gunicorn, stop_on_signals
from .wrk import Load, ensure_wrk, run_wrk

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "5000"))
DURATION = int(os.environ.get("BENCH_DURATION", "10s").rstrip("s"))
UNCACHED = os.environ.get("BENCH_UNCACHED", "1") != "0"

# Targets, as ratios to the bare app's req/s unless said otherwise.
CACHED_TARGETS = {"/products": 0.40, "product page": 0.40}  # from the page cache
RENDERED_TARGET = 0.08  # the same pages rendered each time (page cache off)
LONG_TAIL_TARGET = 0.10
MIXED_TARGET = 0.25  # the catalog pages of the mixed run, with no 5xx
TILL_P50_MS = 25.0  # scan-and-add round trip, 4 staff at once
TILL_P99_MS = 100.0
MAX_HTML_KB = 60  # every page checked

SHOP_APP = "storefront.wsgi:app"
UNCACHED_APP = 'storefront:create_app({"PAGE_CACHE": False})'


def _seed(env: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Migrate and load the demo centre; the demo accounts it prints, by role."""
    storefront = str(BIN / "storefront")
    steps = ((["db", "upgrade"], 120), (["demo-data", "--products", str(PRODUCTS)], 300))
    for args, limit in steps:
        out = subprocess.run(
            [storefront, *args], env=env, check=True, capture_output=True, text=True, timeout=limit
        ).stdout
    print(out.strip().splitlines()[0], flush=True)
    accounts = re.findall(r"sign in as (\w+): (\S+) / (\S+)", out)
    return {role: (email, password) for role, email, password in accounts}


def _sample_paths(db_path: str) -> tuple[str, int]:
    """A real active piece's slug and the shop with the most artisans."""
    with sqlite3.connect(db_path) as conn:
        slug = conn.execute(
            "SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET 100"
        ).fetchone()[0]
        shop = conn.execute(
            "SELECT s.number FROM shops s JOIN artisans a ON a.shop_id = s.id "
            "GROUP BY s.number ORDER BY count(*) DESC, s.number LIMIT 1"
        ).fetchone()[0]
    return slug, shop


def _query_counts(database_url: str, media: str, paths: list[str]) -> dict[str, tuple[int, int]]:
    """SQL statements of an uncached render and of a cached one, for each path (in-process)."""
    import sqlalchemy as sa

    from storefront import create_app
    from storefront.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": media})
    client = app.test_client(use_cookies=False)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    counts = {}
    for path in paths:
        statements.clear()
        status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status} in-process")
        first = len(statements)
        statements.clear()
        client.get(path)
        counts[path] = (first, len(statements))
    with app.app_context():
        db.engine.dispose()
    return counts


@dataclass
class Row:
    """One page's measurements, beside the bare app's measured just before them."""

    name: str
    path: str
    size: int
    bare: Load
    cached: Load
    uncached: Load | None


def _measure_pages(wrk: str, bare_url: str, url: str, cold_url: str | None, pages) -> list[Row]:
    """Load each page right after the bare app, so both see the same machine load."""
    rows = []
    for name, path in pages.items():
        size = fetch(url + path)
        print(f"  loading {path}", flush=True)
        bare = run_wrk(wrk, bare_url + "/", DURATION)
        cached = run_wrk(wrk, url + path, DURATION)
        uncached = run_wrk(wrk, cold_url + path, DURATION) if cold_url else None
        rows.append(Row(name, path, size, bare, cached, uncached))
    return rows


def _measure_runs(wrk: str, bare: str, shop: str, seed: dict, tmp: Path) -> list[runs.RunRow]:
    """The runs as users meet the shop; the mixed run last, since its buyer sells stock."""
    catalog = runs.read_catalog(f"{tmp}/bench.db", purchases=2 * DURATION + 20)
    print("  long tail", flush=True)
    rows = [runs.long_tail(wrk, bare, shop, catalog, tmp, DURATION)]
    print("  signed in: /dashboard/, the till", flush=True)
    rows.append(runs.dashboard(wrk, bare, shop, seed["artisan"], DURATION))
    rows.append(runs.till(bare, shop, seed["staff"], catalog.codes, DURATION))
    print("  mixed run", flush=True)
    rows.append(runs.mixed(wrk, bare, shop, catalog, tmp, f"{tmp}/bench.db", DURATION))
    return rows


@dataclass
class Verdict:
    """One target: what it asks, what was seen, and whether it holds."""

    text: str
    held: bool


def _at_least(label: str, ratio: float, target: float) -> Verdict:
    return Verdict(f"{label} {ratio:.3f} (>= {target:.2f})", ratio >= target)


def _page_table(rows: list[Row], queries: dict[str, tuple[int, int]]) -> list[str]:
    """Print the catalog pages' table; return the errors seen."""
    head = f"{'page':<14}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'bare req/s':>11}{'ratio':>7}"
    head += f"{'KB':>6}{'SQL':>6}"
    if UNCACHED:
        head += f"{'no-cache req/s':>15}{'p50 ms':>8}{'ratio':>7}"
    print(f"\n{PRODUCTS:,}-piece catalog, gunicorn 2 workers, wrk 2 threads, 16 connections,")
    print(f"{DURATION} s per run after a 2 s warm-up (p50/p99: wrk --latency)")
    print(head)
    print("-" * len(head))
    errors = []
    for row in rows:
        load, bare = row.cached, row.bare
        miss, hit = queries[row.path]
        line = f"{row.name:<14}{load.rps:>7.0f}{load.p50:>8.2f}{load.p99:>8.2f}{bare.rps:>11.0f}"
        line += f"{load.rps / bare.rps:>7.2f}{row.size / 1024:>6.1f}{f'{miss}/{hit}':>6}"
        loads = [("bare app before " + row.name, bare), (row.name, load)]
        if row.uncached:
            cold = row.uncached
            line += f"{cold.rps:>15.0f}{cold.p50:>8.2f}{cold.rps / bare.rps:>7.2f}"
            loads.append((row.name + " without the page cache", cold))
        print(line)
        errors += [f"{label}: {run.errors}" for label, run in loads if run.errors]
    print(f"pages: {', '.join(row.path for row in rows)}")
    print("ratio: page req/s over the bare app's, measured one after the other")
    print("SQL: statements on a first (uncached) view / on a repeat view (from the page cache)")
    if UNCACHED:
        print("no-cache: the same app with PAGE_CACHE off, i.e. the cost of rendering each time")
    return errors


def _page_verdicts(rows: list[Row]) -> list[Verdict]:
    verdicts = []
    for row in rows:
        if (target := CACHED_TARGETS.get(row.name)) is not None:
            verdicts.append(_at_least(f"{row.name} cached", row.cached.rps / row.bare.rps, target))
            if row.uncached:
                ratio = row.uncached.rps / row.bare.rps
                verdicts.append(_at_least(f"{row.name} rendered", ratio, RENDERED_TARGET))
    return verdicts


def _runs_table(rows: list[runs.RunRow]) -> list[str]:
    """Print the runs' table; return the errors seen."""
    head = f"{'run':<30}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'bare req/s':>11}{'ratio':>7}"
    head += f"{'KB':>6}  notes"
    print(f"\nas users meet it, {DURATION} s per run")
    print(head)
    print("-" * len(head))
    for row in rows:
        line = f"{row.name:<30}{row.rps:>7.0f}{row.p50:>8.2f}{row.p99:>8.2f}{row.bare_rps:>11.0f}"
        print(line + f"{row.ratio:>7.2f}{row.largest / 1024:>6.1f}  {row.notes}")
    print("long tail: each request a random active piece's page, ?lang=ar|fr|en, cache on")
    print(f"till: POST the SKU, follow the redirect to the till page, {runs.STAFF} staff back to")
    print("  back, each signed in on their own session; req/s = staff / mean round trip; the")
    print("  bare app gets the same client's POST / -> 302 -> GET /")
    print("mixed: home, /products with filters, sorts and pages, and product pages, at random")
    print(f"  on {runs.MIXED_CONNECTIONS} connections (the bare app's run too), while a new buyer")
    print("  arrives each second: product page, add to cart, checkout form, test payment")
    print("KB: the largest page the run's checks fetched (the till's: after its last scan)")
    return [error for row in rows for error in row.errors]


def _run_verdicts(rows: list[runs.RunRow]) -> list[Verdict]:
    tail, _dashboard, till, mixed = rows
    verdict = _at_least("mixed run catalog", mixed.ratio, MIXED_TARGET)
    mixed_held = verdict.held and mixed.server_errors == 0
    return [
        _at_least("long tail", tail.ratio, LONG_TAIL_TARGET),
        Verdict(f"{verdict.text} with {mixed.server_errors} 5xx (none)", mixed_held),
        Verdict(f"till p50 {till.p50:.1f} ms (< {TILL_P50_MS:.0f})", till.p50 < TILL_P50_MS),
        Verdict(f"till p99 {till.p99:.1f} ms (< {TILL_P99_MS:.0f})", till.p99 < TILL_P99_MS),
    ]


def _size_verdict(pages: list[Row], run_rows: list[runs.RunRow]) -> Verdict:
    sizes = [(row.size, row.name) for row in pages] + [(row.largest, row.name) for row in run_rows]
    size, name = max(sizes)
    text = f"largest page {size / 1024:.1f} KB, {name} (<= {MAX_HTML_KB})"
    return Verdict(text, size <= MAX_HTML_KB * 1024)


def main() -> int:
    """Seed, serve, load, print the tables; 1 when a run answered errors, else 0."""
    stop_on_signals()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="storefront-bench-") as tmp:
        database_url, media = f"sqlite:///{tmp}/bench.db", f"{tmp}/media"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": media,
            "STOREFRONT_ENV": "development",
            "PAYMENTS": "test",
            "SECRET_KEY": "bench",
            "TRUSTED_PROXY_HOPS": "1",
        }
        seed = _seed(env)
        slug, shop = _sample_paths(f"{tmp}/bench.db")
        pages = {
            "/": "/",
            "/products": "/products",
            "product page": f"/products/{slug}",
            "/shops/<n>": f"/shops/{shop}",
        }
        with ExitStack() as stack:
            bare_url = stack.enter_context(gunicorn("bare_app:app", env, ROOT / "benchmarks"))
            url = stack.enter_context(gunicorn(SHOP_APP, env, ROOT))
            cold = stack.enter_context(gunicorn(UNCACHED_APP, env, ROOT)) if UNCACHED else None
            rows = _measure_pages(wrk, bare_url, url, cold, pages)
            run_rows = _measure_runs(wrk, bare_url, url, seed, Path(tmp))
        queries = _query_counts(database_url, media, list(pages.values()))
    errors = _page_table(rows, queries) + _runs_table(run_rows)
    verdicts = _page_verdicts(rows) + _run_verdicts(run_rows) + [_size_verdict(rows, run_rows)]
    for error in errors:
        print(f"error: {error}")
    held = [v.text for v in verdicts if v.held]
    missed = [v.text for v in verdicts if not v.held]
    print("result: held: " + ("; ".join(held) or "none"), end="")
    print(" | MISSED: " + "; ".join(missed) if missed else " | all targets met")
    # Its own part, with its own database(s): `python -m benchmarks.search` runs it alone.
    search.main()
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("benchmark interrupted; servers stopped")
