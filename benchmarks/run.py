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
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "5000"))
DURATION = int(os.environ.get("BENCH_DURATION", "10s").rstrip("s"))
UNCACHED = os.environ.get("BENCH_UNCACHED", "1") != "0"
WRK_ARGS = ["-t2", "-c16", "--timeout", "5s"]
TARGETS = {"/products": 0.25, "product page": 0.30}
MAX_HTML_KB = 60
SHOP_APP = "storefront.wsgi:app"
UNCACHED_APP = 'storefront:create_app({"PAGE_CACHE": False})'
# Talk to 127.0.0.1 directly even when the environment names an HTTP proxy.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Load:
    """What wrk measured on one URL."""

    rps: float
    p50: float
    p99: float
    errors: str


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


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print("installing wrk from Debian's packages", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, timeout=300)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("make bench needs wrk: apt-get install wrk")


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


def _wrk(wrk: str, url: str) -> Load:
    subprocess.run([wrk, *WRK_ARGS, "-d2s", url], check=True, capture_output=True, timeout=30)
    out = subprocess.run(
        [wrk, *WRK_ARGS, f"-d{DURATION}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=DURATION + 30,
    ).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> Load:
    """Requests per second, p50 and p99 in ms, and any errors from `wrk --latency` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(name: str) -> float:
        value, unit = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)\b", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = []
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors.append(f"{found.group(1)} non-2xx")
    if found := re.search(r"Socket errors:(.*)", out):
        errors.append("socket errors:" + found.group(1))
    return Load(rps, percentile("50"), percentile("99"), "; ".join(errors))


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


def _measure(wrk: str, app: str, env: dict[str, str], pages: dict[str, str], label: str) -> dict:
    results = {}
    with _gunicorn(app, env, ROOT) as url:
        for name, path in pages.items():
            size = _fetch(url + path)
            print(f"  loading {path} ({label})", flush=True)
            results[name] = (_wrk(wrk, url + path), size)
    return results


def _report(bare: Load, pages: dict, cached: dict, uncached: dict, queries: dict) -> list[str]:
    """Print the table; return the targets missed and the errors seen."""
    head = f"{'page':<14}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}{'KB':>6}{'SQL':>6}"
    if uncached:
        head += f"{'no-cache req/s':>16}{'p50 ms':>8}{'ratio':>7}"
    print(f"\n{PRODUCTS:,}-piece catalog, gunicorn 2 workers, wrk 2 threads, 16 connections,")
    print(f"{DURATION} s per page after a 2 s warm-up (p50/p99: wrk --latency)")
    print(head)
    print("-" * len(head))
    print(f"{'bare Flask':<14}{bare.rps:>8.0f}{bare.p50:>8.2f}{bare.p99:>8.2f}{1:>7.2f}")
    problems = [f"bare app: {bare.errors}"] if bare.errors else []
    for name, path in pages.items():
        load, size = cached[name]
        miss, hit = queries[path]
        line = f"{name:<14}{load.rps:>8.0f}{load.p50:>8.2f}{load.p99:>8.2f}"
        line += f"{load.rps / bare.rps:>7.2f}{size / 1024:>6.1f}{f'{miss}/{hit}':>6}"
        if uncached:
            cold = uncached[name][0]
            line += f"{cold.rps:>16.0f}{cold.p50:>8.2f}{cold.rps / bare.rps:>7.2f}"
            if cold.errors:
                problems.append(f"{name} without the page cache: {cold.errors}")
        print(line)
        if load.errors:
            problems.append(f"{name}: {load.errors}")
        if name in TARGETS and load.rps / bare.rps < TARGETS[name]:
            ratio, target = load.rps / bare.rps, TARGETS[name]
            problems.append(f"{name} at {ratio:.0%} of bare Flask (target {target:.0%})")
        if size > MAX_HTML_KB * 1024:
            problems.append(f"{name} HTML is {size / 1024:.0f} KB (limit {MAX_HTML_KB} KB)")
    print(f"pages: {', '.join(pages.values())}")
    print("SQL: statements on a first (uncached) view / on a repeat view (from the page cache)")
    if uncached:
        print("no-cache: the same app with PAGE_CACHE off, i.e. the cost of rendering each time")
    print("targets, as visitors are served: /products >= 25 % of bare, product page >= 30 %,")
    print("every page <= 60 KB")
    return problems


def main() -> int:
    """Seed, serve, load, print the table; 1 when a page answered errors, else 0."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGHUP, _stop_on_sigterm)
    wrk = _ensure_wrk()
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
        with _gunicorn("bare_app:app", env, ROOT / "benchmarks") as bare_url:
            print("  loading / (bare Flask)", flush=True)
            bare = _wrk(wrk, bare_url + "/")
        cached = _measure(wrk, SHOP_APP, env, pages, "page cache on")
        uncached = _measure(wrk, UNCACHED_APP, env, pages, "page cache off") if UNCACHED else {}
        queries = _query_counts(database_url, media, list(pages.values()))
    problems = _report(bare, pages, cached, uncached, queries)
    print("result: " + ("all targets met" if not problems else "MISSED: " + "; ".join(problems)))
    return 1 if any("non-2xx" in p or "socket" in p for p in problems) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("benchmark interrupted; servers stopped")
