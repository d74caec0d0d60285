"""Catalog throughput against a bare Flask app, under gunicorn and wrk, on 127.0.0.1 only.

Seeds 5,000 pieces in a temporary SQLite database, serves the shop and a bare "hello" app with
gunicorn (2 workers each), loads each page with wrk and prints requests per second, p50, p99,
the ratio to the bare app, the page size and its SQL statement count.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "5000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
TARGETS = {"/products": 0.25, "product page": 0.30}
MAX_HTML_KB = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        return shutil.which("wrk") or "wrk"
    sys.exit("wrk is needed: apt-get install wrk")


def _seed(env: dict[str, str]) -> None:
    storefront = str(BIN / "storefront")
    subprocess.run([storefront, "db", "upgrade"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [storefront, "demo-data", "--products", str(PRODUCTS)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(out.stdout.strip().splitlines()[-1])


@contextmanager
def _gunicorn(app: str, env: dict[str, str], cwd: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        env=env,
        cwd=str(cwd),
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def _wrk(wrk: str, url: str) -> tuple[float, float, float]:
    subprocess.run([wrk, "-t2", "-c16", "-d2s", url], check=True, capture_output=True)
    out = subprocess.run(
        [wrk, "-t2", "-c16", f"-d{DURATION}", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(name: str) -> float:
        value, unit = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rps, percentile("50"), percentile("99")


def _query_counts(env: dict[str, str], paths: list[str]) -> dict[str, tuple[int, int]]:
    """SQL statements of an uncached render and of a cached one, for each path (in-process)."""
    os.environ.update(env)
    import sqlalchemy as sa

    from storefront import create_app
    from storefront.extensions import db

    app = create_app()
    client = app.test_client(use_cookies=False)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    counts = {}
    for path in paths:
        statements.clear()
        client.get(path)
        first = len(statements)
        statements.clear()
        client.get(path)
        counts[path] = (first, len(statements))
    return counts


def main() -> None:
    """Seed, serve, load and print the table."""
    wrk = _ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="storefront-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "MEDIA_ROOT": f"{tmp}/media",
            "STOREFRONT_ENV": "development",
            "PAYMENTS": "test",
            "SECRET_KEY": "bench",
        }
        _seed(env)
        import sqlite3

        with sqlite3.connect(f"{tmp}/bench.db") as conn:
            slug = conn.execute(
                "SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET 100"
            ).fetchone()[0]
            shop = conn.execute(
                "SELECT s.number FROM shops s JOIN artisans a ON a.shop_id = s.id "
                "GROUP BY s.number ORDER BY count(*) DESC, s.number LIMIT 1"
            ).fetchone()[0]
        pages = {
            "/": "/",
            "/products": "/products",
            "product page": f"/products/{slug}",
            "/shops/<n>": f"/shops/{shop}",
        }
        rows = []
        with _gunicorn("bare_app:app", env, ROOT / "benchmarks") as bare_url:
            bare_rps, bare_p50, bare_p99 = _wrk(wrk, bare_url + "/")
        with _gunicorn("storefront.wsgi:app", env, ROOT) as url:
            for name, path in pages.items():
                size = len(urllib.request.urlopen(url + path, timeout=5).read())
                rps, p50, p99 = _wrk(wrk, url + path)
                rows.append((name, path, rps, p50, p99, size))
        queries = _query_counts(env, [path for _, path, *_ in rows])

    print(f"\n5,000-piece catalog, gunicorn 2 workers, wrk 2 threads / 16 connections / {DURATION}")
    header = f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'KB':>7}{'SQL':>9}"
    print(header)
    print("-" * len(header))
    print(f"{'bare Flask':<14}{bare_rps:>9.0f}{bare_p50:>9.2f}{bare_p99:>9.2f}{'1.00':>8}")
    failed = []
    for name, path, rps, p50, p99, size in rows:
        ratio = rps / bare_rps
        miss, hit = queries[path]
        print(
            f"{name:<14}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{ratio:>8.2f}"
            f"{size / 1024:>7.1f}{f'{miss}/{hit}':>9}"
        )
        if name in TARGETS and ratio < TARGETS[name]:
            failed.append(f"{name} at {ratio:.0%} of bare Flask (target {TARGETS[name]:.0%})")
        if size > MAX_HTML_KB * 1024:
            failed.append(f"{name} HTML is {size / 1024:.0f} KB (limit {MAX_HTML_KB} KB)")
    print("SQL: statements on a first (uncached) view / on a repeat view (served from the cache)")
    print("targets: /products >= 25 % of bare, product page >= 30 %, every page <= 60 KB")
    print("result: " + ("all targets met" if not failed else "MISSED: " + "; ".join(failed)))


if __name__ == "__main__":
    main()
