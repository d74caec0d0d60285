"""Migration 0013 on a database that already holds orders: nothing is lost, triggers stay."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from storefront.extensions import db
from tests.fulfilment.factories import make_paid_order


def _counts(conn) -> tuple[int, ...]:
    return tuple(
        conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
        for table in ("orders", "order_lines", "order_events", "ledger_entries")
    )


def test_down_and_up_again_keeps_every_order_and_the_catalog_triggers(app):
    with app.app_context():
        lines = len(make_paid_order(db.session).lines)
        db.session.commit()
        with db.engine.connect() as conn:
            before = _counts(conn)
        db.session.remove()
        downgrade(revision="0010")
        try:
            with db.engine.connect() as conn:
                assert _counts(conn) == before
        finally:
            upgrade()
        with db.engine.begin() as conn:
            assert _counts(conn) == before and before[1] == lines == 2
            version = conn.execute(sa.text("SELECT max(id) FROM catalog_changes")).scalar()
            conn.execute(sa.text("UPDATE crafts SET hs_code = '6912.00'"))
            after = conn.execute(sa.text("SELECT max(id) FROM catalog_changes")).scalar()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("orders")}
        db.engine.dispose()
    assert after > (version or 0)
    assert {"carrier_id", "tracking_number"} <= columns
