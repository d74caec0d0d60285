"""Search relevance and speed: the query set of tests/catalog/search_queries.toml over 5,000
pieces, on SQLite and on PostgreSQL, printing recall@20 and the p95 time per query.

Each query runs as the catalog page runs it (the one search, then the first 20 cards loaded)
in-process, so the time is the database's and the ranking's, not HTTP's. Every query is run
once to warm the process, then BENCH_SEARCH_ROUNDS times (3): a query's time is its median.

Run alone with `python -m benchmarks.search` (`make bench` runs it too). PostgreSQL is measured
when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server: a scratch database is made on it
and dropped after. Knobs: BENCH_PRODUCTS (5000), BENCH_SEARCH_ROUNDS (3).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "5000"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
RECALL_TARGET = 0.95
P95_TARGET_MS = 30.0


def _psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@contextmanager
def _scratch_postgres(server_url: str):
    admin_url = _psycopg(server_url)
    name = f"storefront_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(database_url: str, media: str) -> dict[str, tuple[float, float, int]]:
    """Migrate, load the demo centre, run the set: {lang: (recall@20, p95 ms, queries)}."""
    from flask_migrate import upgrade

    from storefront import create_app
    from storefront.catalog.demo import load_demo
    from storefront.extensions import db
    from tests.catalog.relevance import by_language, run_queries

    # Through DATABASE_URL, as deployed: the engine's options follow it (jit=off on PostgreSQL).
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    try:
        app = create_app(
            {"TESTING": True, "MEDIA_ROOT": media, "JOBS_STORAGE_URI": f"sqlite:///{media}/jobs.db"}
        )
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL")
        else:
            os.environ["DATABASE_URL"] = before
    with app.app_context():
        upgrade()
        load_demo(db.session, products=PRODUCTS, media_root=media)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum does soon after a bulk load: the planner needs the table's stats,
            # and VACUUM moves the GIN index's pending list of new rows into the index proper
            # (searched row by row until then: 50-80 ms a query on a freshly loaded catalog).
            db.session.commit()
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("VACUUM ANALYZE")
                )
        run_queries(db.session)  # warm: stemmer caches, the vocabulary, the database's pages
        rounds = [run_queries(db.session) for _ in range(ROUNDS)]
        db.session.remove()
        db.engine.dispose()
    app.extensions["jobs"].close()
    # A query's time is its median over the rounds: one stall of a shared machine is not it.
    outcomes = [
        replace(same[0], ms=statistics.median(o.ms for o in same))
        for same in zip(*rounds, strict=True)
    ]
    return by_language(outcomes)


def table(results: dict[str, dict[str, tuple[float, float, int]]]) -> list[str]:
    """The printed table: one line per database and language, with the verdicts."""
    lines = [
        f"search relevance over {PRODUCTS} pieces "
        f"(targets: recall@20 >= {RECALL_TARGET}, p95 < {P95_TARGET_MS:.0f} ms)",
        f"{'database':<11}{'lang':<6}{'queries':>8}{'recall@20':>11}{'p95 ms':>9}  verdict",
    ]
    for database, by_lang in results.items():
        for lang, (recall, p95, count) in by_lang.items():
            held = recall >= RECALL_TARGET and p95 < P95_TARGET_MS
            lines.append(
                f"{database:<11}{lang:<6}{count:>8}{recall:>11.3f}{p95:>9.1f}  "
                + ("held" if held else "MISSED")
            )
    return lines


def main() -> int:
    """Measure on SQLite, and on PostgreSQL when a server is named; print the table."""
    sys.path.insert(0, str(ROOT))
    results = {}
    with tempfile.TemporaryDirectory(prefix="storefront-search-bench-") as tmp:
        results["sqlite"] = measure(f"sqlite:///{tmp}/search.db", f"{tmp}/media-sqlite")
        server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if server:
            with _scratch_postgres(server) as url:
                results["postgresql"] = measure(url, f"{tmp}/media-pg")
    lines = table(results)
    if "postgresql" not in results:
        lines.append("postgresql: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)")
    lines.append(f"load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
