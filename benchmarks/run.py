"""Catalog throughput against a bare Flask app, under gunicorn and wrk, on 127.0.0.1 only.

Seeds 5,000 pieces in a temporary SQLite database, serves the shop and a bare "hello" app with
gunicorn (2 workers each), loads each page with wrk and prints requests per second, p50, p99,
the ratio to the bare app, the page size and its SQL statement count. The shop is measured as
visitors get it (page cache on) and again with the page cache off, which is the render cost.
Every step has a time limit, and the servers are stopped on errors, Ctrl-C and SIGTERM.

Knobs: BENCH_PRODUCTS (5000), BENCH_DURATION (10s per page), BENCH_UNCACHED=0 skips the
cache-off pass.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .wrk import Load, ensure_wrk, run_wrk

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "5000"))
DURATION = int(os.environ.get("BENCH_DURATION", "10s").rstrip("s"))
UNCACHED = os.environ.get("BENCH_UNCACHED", "1") != "0"
TARGETS = {"/products": 0.25, "product page": 0.30}
MAX_HTML_KB = 60
SHOP_APP = "storefront.wsgi:app"
UNCACHED_APP = 'storefront:create_app({"PAGE_CACHE": False})'
# Talk to 127.0.0.1 directly even when the environment names an HTTP proxy.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _die_with_parent() -> None:
    # Runs in the child before exec: if this script is killed outright, the server gets SIGTERM.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(env: dict[str, str]) -> None:
    storefront = str(BIN / "storefront")
    steps = ((["db", "upgrade"], 120), (["demo-data", "--products", str(PRODUCTS)], 300))
    for args, limit in steps:
        out = subprocess.run(
            [storefront, *args], env=env, check=True, capture_output=True, text=True, timeout=limit
        )
    print(out.stdout.strip().splitlines()[-1], flush=True)


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


@contextmanager
def _gunicorn(app: str, env: dict[str, str], cwd: Path):
    port = _free_port()
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "--graceful-timeout", "5", app]
    proc = subprocess.Popen(
        command, env=env, cwd=str(cwd), start_new_session=True, preexec_fn=_die_with_parent
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                HTTP.open(url + "/", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.2)  # polling a starting server, not timing a test
        yield url
    finally:
        proc.terminate()  # the master stops its workers gracefully
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _fetch(url: str) -> int:
    """The page's size in bytes; raises unless it is a 200 HTML page."""
    with HTTP.open(url, timeout=10) as response:
        body = response.read()
        kind = response.headers.get("Content-Type", "")
    if not kind.startswith("text/html"):
        raise RuntimeError(f"{url} answered {kind}")
    return len(body)


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


def _measure(wrk: str, env: dict[str, str], pages: dict[str, str]) -> list[Row]:
    """Load each page right after the bare app, so both see the same machine load."""
    with ExitStack() as stack:
        bare_url = stack.enter_context(_gunicorn("bare_app:app", env, ROOT / "benchmarks"))
        url = stack.enter_context(_gunicorn(SHOP_APP, env, ROOT))
        cold_url = stack.enter_context(_gunicorn(UNCACHED_APP, env, ROOT)) if UNCACHED else None
        rows = []
        for name, path in pages.items():
            size = _fetch(url + path)
            print(f"  loading {path}", flush=True)
            bare = run_wrk(wrk, bare_url + "/", DURATION)
            cached = run_wrk(wrk, url + path, DURATION)
            uncached = run_wrk(wrk, cold_url + path, DURATION) if cold_url else None
            rows.append(Row(name, path, size, bare, cached, uncached))
    return rows


def _report(rows: list[Row], queries: dict[str, tuple[int, int]]) -> list[str]:
    """Print the table; return the targets missed and the errors seen."""
    head = f"{'page':<14}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'bare req/s':>11}{'ratio':>7}"
    head += f"{'KB':>6}{'SQL':>6}"
    if UNCACHED:
        head += f"{'no-cache req/s':>15}{'p50 ms':>8}{'ratio':>7}"
    print(f"\n{PRODUCTS:,}-piece catalog, gunicorn 2 workers, wrk 2 threads, 16 connections,")
    print(f"{DURATION} s per run after a 2 s warm-up (p50/p99: wrk --latency)")
    print(head)
    print("-" * len(head))
    problems = []
    for row in rows:
        load, bare = row.cached, row.bare
        ratio = load.rps / bare.rps
        miss, hit = queries[row.path]
        line = f"{row.name:<14}{load.rps:>7.0f}{load.p50:>8.2f}{load.p99:>8.2f}{bare.rps:>11.0f}"
        line += f"{ratio:>7.2f}{row.size / 1024:>6.1f}{f'{miss}/{hit}':>6}"
        runs = [("bare app before " + row.name, bare), (row.name, load)]
        if row.uncached:
            cold = row.uncached
            line += f"{cold.rps:>15.0f}{cold.p50:>8.2f}{cold.rps / bare.rps:>7.2f}"
            runs.append((row.name + " without the page cache", cold))
        print(line)
        problems += [f"{label}: {run.errors}" for label, run in runs if run.errors]
        target = TARGETS.get(row.name)
        if target and ratio < target:
            problems.append(f"{row.name} at {ratio:.0%} of bare Flask (target {target:.0%})")
        if row.size > MAX_HTML_KB * 1024:
            problems.append(f"{row.name} HTML is {row.size / 1024:.0f} KB (limit {MAX_HTML_KB} KB)")
    print(f"pages: {', '.join(row.path for row in rows)}")
    print("ratio: page req/s over the bare app's, measured one after the other")
    print("SQL: statements on a first (uncached) view / on a repeat view (from the page cache)")
    if UNCACHED:
        print("no-cache: the same app with PAGE_CACHE off, i.e. the cost of rendering each time")
    print("targets, as visitors are served: /products >= 25 % of bare, product page >= 30 %,")
    print("every page <= 60 KB")
    return problems


def main() -> int:
    """Seed, serve, load, print the table; 1 when a page answered errors, else 0."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGHUP, _stop_on_sigterm)
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
        }
        _seed(env)
        slug, shop = _sample_paths(f"{tmp}/bench.db")
        pages = {
            "/": "/",
            "/products": "/products",
            "product page": f"/products/{slug}",
            "/shops/<n>": f"/shops/{shop}",
        }
        rows = _measure(wrk, env, pages)
        queries = _query_counts(database_url, media, list(pages.values()))
    problems = _report(rows, queries)
    print("result: " + ("all targets met" if not problems else "MISSED: " + "; ".join(problems)))
    return 1 if any("non-2xx" in p or "socket" in p for p in problems) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("benchmark interrupted; servers stopped")
