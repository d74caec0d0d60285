"""Migration 0009 on a database that already holds orders: lines get their titles and names."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from storefront.extensions import db
from storefront.orders.models import Channel
from storefront.orders.services import create_order, mark_paid
from storefront.showroom.models import Refund
from tests.factories import make_artisan, make_product, make_user


def test_existing_lines_are_backfilled_from_their_title_and_the_catalog(app):
    with app.app_context():
        session = db.session
        maker = make_artisan(session, name="Fatima Potter", name_ar="فاطمة")
        jar = make_product(
            session, artisan=maker, title_ar="جرة", title_fr="Jarre", title_en="Jar", stock=5
        )
        rug = make_product(session, artisan=maker, title_fr="Tapis", stock=5)
        staff = make_user(session)
        ar_order = create_order(session, channel=Channel.ONLINE, lines=[(jar.id, 1)], locale="ar")
        fr_order = create_order(session, channel=Channel.ONLINE, lines=[(rug.id, 1)], locale="fr")
        mark_paid(session, fr_order, payment_method="stripe", payment_reference="pi_1")
        session.add(
            Refund(order_id=fr_order.id, method="stripe", amount_minor=100, reason="r",
                   reference="re_old_1", user_id=staff.id)
        )  # fmt: skip
        session.commit()
        ids = (ar_order.lines[0].id, fr_order.lines[0].id, rug.id)
        session.remove()
        downgrade(revision="0008")
        try:
            with db.engine.begin() as conn:
                # As the code before 0009 wrote them: the name in the order's language, and
                # the line of a piece since deleted from the catalog keeps its own title only.
                conn.execute(
                    sa.text("UPDATE order_lines SET artisan_name = 'فاطمة' WHERE id = :id"),
                    {"id": ids[0]},
                )
                conn.execute(
                    sa.text("UPDATE order_lines SET product_id = NULL, title = 'Tapis ancien'"
                            " WHERE id = :id"), {"id": ids[1]},
                )  # fmt: skip
        finally:
            upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT id, title, title_ar, title_fr, title_en, source_lang, artisan_name,"
                    " artisan_name_ar FROM order_lines ORDER BY id"
                )
            ).all()
            stripe_ids = conn.execute(sa.text("SELECT stripe_refund_id FROM refunds")).all()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [
        (ids[0], "جرة", "جرة", "Jarre", "Jar", "ar", "Fatima Potter", "فاطمة"),
        (ids[1], "Tapis ancien", None, "Tapis ancien", None, "fr", "Fatima Potter", "فاطمة"),
    ]
    assert [tuple(r) for r in stripe_ids] == [("re_old_1",)]
