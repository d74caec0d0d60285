"""The book at the scale of a year: 1,000,000 order lines across 100 shops, on PostgreSQL.

    python -m benchmarks.ledger        (make bench runs it after the page benchmarks)

Creates a temporary database on BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/postgres),
migrates it, seeds a year of sales with SQL (500,000 orders of two lines, 60 % showroom and
40 % online, 95 % of online orders delivered three days after payment, 1 % of lines refunded,
a monthly payout to every artisan) and times, best of BENCH_REPEAT (3):

- every artisan's balance (available, pending, paid): target under 1 s;
- one artisan's statement for one month: target under 200 ms;
- the year's report by craft: target under 1 s.

Then it checks that the figures add up (available + pending + paid = credited for every
artisan, and the report's year equals the book's sale, refund and commission entries), and
drops the database. BENCH_LINES changes the size (lines, even); BENCH_KEEP=1 keeps the
database and prints its name, BENCH_REUSE=<name> times a kept one again without seeding.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta

import sqlalchemy as sa

LINES = int(os.environ.get("BENCH_LINES", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGETS = {"balances": 1.0, "statement": 0.2, "report by craft": 1.0}
ARTISANS = 100
CRAFTS = 10


def _psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


SEED = [
    # Ten crafts, 100 shops, one artisan per shop (rates 10 % by default, some 12.5 %).
    """INSERT INTO crafts (slug, kind, name_ar, name_fr, name_en, colour, position)
       SELECT 'craft-' || n, 'productive', 'حرفة ' || n, 'Métier ' || n, 'Craft ' || n, 'c1', n
       FROM generate_series(1, :crafts) n""",
    """INSERT INTO shops (number, kind, craft_id, name, map_row, map_col, opens_at, closes_at)
       SELECT n, 'productive', 1 + (n - 1) % :crafts, 'Shop ' || n, 1, 1, '09:00', '19:00'
       FROM generate_series(1, :artisans) n""",
    """INSERT INTO artisans (slug, name, source_lang, shop_id, craft_id, commission_bps, active,
                             created_at)
       SELECT 'artisan-' || n, 'Artisan ' || n, 'ar', n, 1 + (n - 1) % :crafts,
              CASE WHEN n % 5 = 0 THEN 1250 END, true, now() - interval '2 years'
       FROM generate_series(1, :artisans) n""",
    # Orders: paid over the last 365 days, order n at a fixed pseudo-random moment.
    """INSERT INTO orders (number, token, channel, status, locale, delivery, subtotal_minor,
                           shipping_minor, discount_minor, total_minor, currency, paid_at,
                           created_at, updated_at, payment_method)
       SELECT 'B-' || n, md5(n::text), CASE WHEN n % 5 < 3 THEN 'showroom' ELSE 'online' END,
              'paid', 'fr', CASE WHEN n % 5 < 3 THEN 'counter' ELSE 'ship' END, 0, 0, 0, 0,
              'mad', t, t, t, 'cash'
       FROM (SELECT n, (now() AT TIME ZONE 'UTC')
                       - ((n::bigint * 7919) % 31536000) * interval '1 second' AS t
             FROM generate_series(1, :orders) n) s""",
    # Two lines an order, artisans and prices spread by a fixed hash; 1 % refunded whole.
    """INSERT INTO order_lines (order_id, artisan_id, title, sku, artisan_name, shop_number,
                                craft_slug, unit_price_minor, quantity, line_total_minor,
                                discount_minor, commission_bps, refunded_quantity,
                                taken_quantity, source_lang)
       SELECT o.id, a, 'Piece ' || (a * 40 + k % 40), 'SKU-' || (a * 40 + k % 40),
              'Artisan ' || a, a, 'craft-' || (1 + (a - 1) % :crafts), p, q, p * q, 0,
              CASE WHEN a % 5 = 0 THEN 1250 ELSE 1000 END,
              CASE WHEN k % 100 = 0 THEN q ELSE 0 END, q, 'ar'
       FROM orders o, generate_series(0, 1) j,
            LATERAL (SELECT o.id::bigint * 2 + j AS k) kk,
            LATERAL (SELECT 1 + (k * 2654435761) % :artisans AS a,
                            5000 + (k * 40503) % 200000 AS p, 1 + k % 3 AS q) v""",
    """INSERT INTO order_events (order_id, created_at, kind, message)
       SELECT id, paid_at + interval '3 days', 'delivered', '' FROM orders
       WHERE channel = 'online' AND id % 20 <> 0
         AND paid_at + interval '3 days' < (now() AT TIME ZONE 'UTC')""",
    """INSERT INTO ledger_entries (artisan_id, created_at, kind, amount_minor, order_line_id, memo)
       SELECT l.artisan_id, o.paid_at, 'sale', l.line_total_minor, l.id, ''
       FROM order_lines l JOIN orders o ON o.id = l.order_id""",
    """INSERT INTO ledger_entries (artisan_id, created_at, kind, amount_minor, order_line_id, memo)
       SELECT l.artisan_id, o.paid_at, 'commission',
              -((l.line_total_minor * l.commission_bps + 5000) / 10000), l.id, ''
       FROM order_lines l JOIN orders o ON o.id = l.order_id""",
    """INSERT INTO ledger_entries (artisan_id, created_at, kind, amount_minor, order_line_id, memo)
       SELECT l.artisan_id, o.paid_at + interval '1 day', kind, amount, l.id, ''
       FROM order_lines l JOIN orders o ON o.id = l.order_id,
            LATERAL (VALUES ('refund', -l.line_total_minor),
                            ('commission', (l.line_total_minor * l.commission_bps + 5000) / 10000))
                    r(kind, amount)
       WHERE l.refunded_quantity > 0""",
]


def _payouts(session, windows) -> int:
    """A monthly payout per artisan: half of what was available at each month's end."""
    from storefront.ledger.balances import balances
    from storefront.ledger.models import EntryKind, LedgerEntry, Payout
    from storefront.timeutil import local_date, local_midnight

    made, month = 0, (local_date() - timedelta(days=365)).replace(day=1)
    while True:
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        moment = local_midnight(month)
        if moment > local_midnight(local_date()):
            return made
        for artisan_id, split in balances(session, windows, as_of=moment).items():
            amount = split.available // 2
            if amount <= 0:
                continue
            payout = Payout(
                artisan_id=artisan_id, amount_minor=amount, method="cash",
                beneficiary=f"Artisan {artisan_id}", created_at=moment,
            )  # fmt: skip
            session.add(payout)
            session.flush()
            session.add(
                LedgerEntry(
                    artisan_id=artisan_id,
                    kind=EntryKind.PAYOUT,
                    amount_minor=-amount,
                    payout_id=payout.id,
                    created_at=moment,
                    memo=payout.reference,
                )  # fmt: skip
            )
            made += 1
        session.flush()


def _best(run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> int:
    """Seed, time, check and print; returns 1 when a figure does not add up."""
    from flask_migrate import upgrade

    from storefront import create_app
    from storefront.extensions import db
    from storefront.ledger.balances import return_windows
    from storefront.ledger.models import LedgerEntry
    from storefront.ledger.reports import Period, figures_by
    from storefront.ledger.statements import statement_for
    from storefront.orders.models import Order, OrderLine
    from storefront.timeutil import local_date

    reuse = os.environ.get("BENCH_REUSE", "")
    keep = bool(reuse) or os.environ.get("BENCH_KEEP") == "1"
    name = reuse or f"bench_ledger_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(_psycopg(ADMIN_URL), isolation_level="AUTOCOMMIT")
    if not reuse:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = _psycopg(ADMIN_URL).rsplit("/", 1)[0] + "/" + name
    try:
        # Configured as deployed: from the environment (PostgreSQL's engine options too).
        os.environ["DATABASE_URL"] = url.replace("postgresql+psycopg://", "postgresql://")
        os.environ["JOBS_STORAGE_URI"] = f"sqlite:///{tempfile.gettempdir()}/{name}-jobs.db"
        app = create_app()
        with app.app_context():
            upgrade()
            session = db.session
            started = time.perf_counter()
            windows = return_windows(app.config)
            if not reuse:
                params = {"crafts": CRAFTS, "artisans": ARTISANS, "orders": LINES // 2}
                for statement in SEED:
                    session.execute(sa.text(statement), params)
                session.commit()
                _payouts(session, windows)
                session.commit()
                session.execute(sa.text("ANALYZE"))
                session.commit()
            payouts = session.scalar(sa.text("SELECT count(*) FROM payouts"))
            counts = {
                table: session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                for table in ("orders", "order_lines", "ledger_entries", "payouts")
            }
            print(
                f"seeded in {time.perf_counter() - started:.0f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            )
            from storefront.ledger.balances import balances

            today = local_date()
            year = Period(today - timedelta(days=364), today)
            month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
            timings = {}
            timings["balances"], found = _best(lambda: balances(session, windows))
            timings["statement"], statement = _best(
                lambda: statement_for(session, 7, month, windows)
            )
            timings["report by craft"], report = _best(lambda: figures_by(session, year, "craft"))
            print(f"{'measure':<18}{'best of ' + str(REPEAT):>12}{'target':>10}  result")
            for key, seconds in timings.items():
                verdict = "holds" if seconds < TARGETS[key] else "MISSED"
                print(f"{key:<18}{seconds * 1000:>10.0f}ms{TARGETS[key] * 1000:>8.0f}ms  {verdict}")
            print(f"balances of {len(found)} artisans; artisan 7 of {month:%Y-%m}: "
                  f"{len(statement.rows)} entries, opening {statement.opening}, closing "
                  f"{statement.closing}, available {statement.at_end.available}, pending "
                  f"{statement.at_end.pending}")  # fmt: skip
            print(
                f"{payouts} payouts; the year by craft: "
                + ", ".join(f"{k} {v.sales // 100:,} MAD" for k, v in sorted(report.items()))
            )
            problems = [
                a for a, b in found.items() if b.available + b.pending + b.paid != b.credited
            ]
            book = session.scalar(
                sa.select(sa.func.sum(LedgerEntry.amount_minor))
                .join(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.paid_at >= year.start, Order.paid_at < year.end)
            )
            owed = sum(v.owed for v in report.values())
            print(f"checks: split adds up for every artisan: {not problems}; "
                  f"the year's report owes {owed}, its lines' entries sum to {book}")  # fmt: skip
            if owed != book:
                problems.append("report")
            db.session.remove()
            db.engine.dispose()
        app.extensions["jobs"].close()
        return 1 if problems else 0
    finally:
        if keep:
            print(f"kept the database {name} (BENCH_REUSE={name} times it again)")
        else:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
