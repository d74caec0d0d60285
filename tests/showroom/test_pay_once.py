"""The till's Pay form records one sale however often it is sent: at once, or replayed later.

Two threads, each with its own test client (the same signed-in till, the same cookie), its own
app context and so its own database connection, post the same Pay form at a barrier. Runs on
the suite's database: a file SQLite copy, or PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from storefront.audit import AuditLog
from storefront.catalog.models import Product
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.orders.models import Order
from storefront.showroom import services
from tests.factories import make_artisan, make_product, make_user

from .factories import make_register_session


def _twin(app, client):
    """A second client on the same browser session: same cookie, same CSRF token."""
    name = app.config["SESSION_COOKIE_NAME"]
    twin = app.test_client()
    twin.set_cookie(name, client.get_cookie(name).value)
    twin.csrf_token = client.csrf_token
    return twin


def test_pay_sent_twice_at_once_and_replayed_records_one_sale(app, client, session, login):
    staff = make_user(session, role="staff")
    artisan = make_artisan(session)
    rs = make_register_session(session, user=staff)
    piece = make_product(session, artisan=artisan, sku="GLM-00500", price_minor=56000, stock=5)
    session.commit()
    login(staff)
    client.post("/staff/pos/scan", data={"code": "GLM-00500"})
    page = client.get("/staff/pos").get_data(as_text=True)
    key = re.search(r'name="sale_key" value="([^"]+)"', page).group(1)
    form = {"sale_key": key, "method": "cash", "cash_tendered": "600"}
    clients = [client, _twin(app, client)]
    start = threading.Barrier(2)
    responses: list = [None, None]

    def pay(i: int) -> None:
        start.wait()
        responses[i] = clients[i].post("/staff/pos/checkout", data=form)

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    session.expire_all()
    order = session.scalar(select(Order))
    assert session.scalar(select(func.count()).select_from(Order)) == 1
    receipt = f"/staff/receipts/{order.number}"
    assert [r.status_code for r in responses] == [302, 302]
    assert all(r.headers["Location"].startswith(receipt) for r in responses)
    assert session.get(Product, piece.id).stock == 4
    sales = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.SALE)).all()
    assert [(e.artisan_id, e.amount_minor) for e in sales] == [(artisan.id, 56000)]
    assert services.drawer_summary(session, rs).cash_sales == 56000
    assert services.drawer_summary(session, rs).expected_cash == 50000 + 56000

    later = client.post("/staff/pos/checkout", data=form)  # the same form, replayed later
    assert later.status_code == 302 and later.headers["Location"] == receipt
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Order)) == 1
    assert session.get(Product, piece.id).stock == 4
    audits = select(func.count()).select_from(AuditLog).where(AuditLog.action == "showroom.sale")
    assert session.scalar(audits) == 1


def test_pay_without_its_key_records_nothing(client, session, login):
    staff = make_user(session, role="staff")
    make_register_session(session, user=staff)
    make_product(session, sku="GLM-00501", price_minor=10000, stock=2)
    session.commit()
    login(staff)
    client.post("/staff/pos/scan", data={"code": "GLM-00501"})
    form = {"method": "cash", "cash_tendered": "100"}
    response = client.post("/staff/pos/checkout?lang=fr", data=form)
    assert response.status_code == 422
    assert "Ce formulaire de paiement n’est plus valable." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Order)) == 0


def _together(clients, path, form):
    """Post the same form from each client at once; the responses, in client order."""
    start = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)

    def post(i: int) -> None:
        start.wait()
        responses[i] = clients[i].post(path, data=form)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def _movements(session, rs):
    session.expire_all()
    return [(m.kind, m.amount_minor) for m in session.get(type(rs), rs.id).movements]


def test_paid_out_sent_twice_at_once_and_replayed_is_recorded_once(app, client, session, login):
    staff = make_user(session, role="staff")
    rs = make_register_session(session, user=staff, float_minor=50000)
    session.commit()
    login(staff)
    page = client.get(f"/staff/sessions/{rs.id}").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    form = {"form_key": key, "kind": "paid_out", "amount": "120", "reason": "taxi"}
    path = f"/staff/sessions/{rs.id}/movements"
    responses = _together([client, _twin(app, client)], path, form)
    assert [r.status_code for r in responses] == [302, 302]
    assert client.post(path, data=form).status_code == 302  # replayed later
    assert _movements(session, rs) == [("paid_out", -12000)]
    assert services.drawer_summary(session, rs).expected_cash == 50000 - 12000
    audits = (
        select(func.count()).select_from(AuditLog).where(AuditLog.action.like("register.paid%"))
    )
    assert session.scalar(audits) == 1


def test_an_adjustment_sent_twice_is_recorded_once(client, session, login):
    boss = make_user(session, role="admin")
    rs = make_register_session(session, user=boss)
    services.close_register(
        session,
        rs,
        pieces={1000: 50},
        card_batch_total_minor=0,
        card_batch_reference="",
        note="",
        user=boss,
    )
    services.sign_off(session, rs, manager=boss, note="")
    session.commit()
    login(boss)
    page = client.get(f"/staff/sessions/{rs.id}").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    form = {"form_key": key, "direction": "out", "amount": "20", "reason": "miscounted coins"}
    for _ in range(2):
        assert client.post(f"/staff/sessions/{rs.id}/adjustments", data=form).status_code == 302
    assert _movements(session, rs) == [("adjustment", -2000)]
    no_key = {k: v for k, v in form.items() if k != "form_key"}
    assert client.post(f"/staff/sessions/{rs.id}/adjustments", data=no_key).status_code == 422
    assert _movements(session, rs) == [("adjustment", -2000)]
