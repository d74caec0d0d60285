"""The desk over HTTP: a test payment to France shipped with a tracking link, a pickup collected
by its QR code, the papers, the artisan's pieces to bring, carriers, and who may do what."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.mail.sender import render_message
from storefront.orders.models import Carrier, Order, OrderStatus
from storefront.urls import public_url
from tests.factories import make_product, make_user
from tests.fulfilment.factories import make_carrier, make_paid_order


@pytest.fixture
def staff(session):
    user = make_user(session, role="staff", locale="fr")
    session.commit()
    return user


def _order(number: str) -> Order:
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.number == number))


def _mail(order: Order, kind: str) -> tuple[str, str]:
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.order_id == order.id, OutboxMessage.kind == kind)
    )
    return render_message(message)


def test_a_test_payment_to_france_is_shipped_and_the_buyer_sees_the_carrier_link(
    app, client, session, login, staff, pieces, fill_cart, checkout_form
):
    carrier = make_carrier(
        session, name="DHL Express", tracking_url="https://www.dhl.com/track?id={number}"
    )
    session.commit()
    fill_cart(pieces["pot"])
    form = checkout_form | {
        "delivery": "ship",
        "line1": "3 rue des Potiers",
        "city": "Lyon",
        "postal_code": "69001",
        "country": "FR",
    }
    pay_page = client.post("/checkout?lang=fr", data=form).location
    client.post(pay_page, data={"decision": "pay"})
    order = db.session.scalar(select(Order))
    assert order.status == OrderStatus.PAID and order.ship_country == "FR"
    buyer_page = public_url("orders.view", token=order.token)

    login(staff)
    desk = client.get("/staff/orders?lang=fr").get_data(as_text=True)
    assert order.number in desk and "Camille Martin" in desk and "FR" in desk
    page = client.get(f"/staff/orders/{order.number}?lang=fr").get_data(as_text=True)
    assert "Chez l'artisan" in page and "3 rue des Potiers" in page
    # On an Arabic screen the Latin address keeps its order: each line is isolated.
    arabic = client.get(f"/staff/orders/{order.number}?lang=ar").get_data(as_text=True)
    assert '<bdi dir="auto">3 rue des Potiers</bdi>' in arabic
    # Not yet at the desk: shipping is refused, with the reason, and nothing moves.
    refused = client.post(
        f"/staff/orders/{order.number}/ship?lang=fr",
        data={"carrier_id": carrier.id, "tracking_number": "JD0141"},
    )
    assert refused.status_code == 422
    assert "encore chez leurs artisans" in refused.get_data(as_text=True)
    [line] = order.lines
    assert client.post(f"/staff/orders/{order.number}/lines/{line.id}/receive").status_code == 303
    assert _order(order.number).status == OrderStatus.PREPARING
    no_number = client.post(
        f"/staff/orders/{order.number}/ship?lang=fr",
        data={"carrier_id": carrier.id, "tracking_number": ""},
    )
    assert no_number.status_code == 422
    assert "Saisissez le numéro de suivi." in no_number.get_data(as_text=True)
    # Markup or other signs are no tracking number: it went on the buyer's page and link.
    markup = client.post(
        f"/staff/orders/{order.number}/ship?lang=fr",
        data={"carrier_id": carrier.id, "tracking_number": "<b>x</b>"},
    )
    assert markup.status_code == 422
    assert "que des lettres, des chiffres, des espaces et des tirets" in markup.get_data(
        as_text=True
    )
    assert _order(order.number).tracking_number is None
    shipped = client.post(
        f"/staff/orders/{order.number}/ship",
        data={"carrier_id": carrier.id, "tracking_number": "JD0141 "},
    )
    assert shipped.status_code == 303
    again = client.post(
        f"/staff/orders/{order.number}/ship?lang=fr",
        data={"carrier_id": carrier.id, "tracking_number": "JD0142"},
    )
    assert again.status_code == 409 and _order(order.number).tracking_number == "JD0141"

    link = "https://www.dhl.com/track?id=JD0141"
    client.get("/logout")
    buyer = client.get(urlsplit(buyer_page).path + "?lang=fr")
    text = buyer.get_data(as_text=True)
    assert f'href="{link}"' in text and "DHL Express" in text and "JD0141" in text
    assert 'data-step="shipped"' in text and "Expédiée" in text
    subject, body = _mail(_order(order.number), "shipped")
    assert subject == f"Votre commande {order.number} est en route"
    assert link in body and "DHL Express" in body


def test_a_pickup_order_is_collected_by_scanning_its_qr_code(client, session, login, staff):
    order = make_paid_order(session, delivery="pickup", locale="en")
    number = order.number
    session.commit()
    login(staff)
    for line in order.lines:
        client.post(f"/staff/orders/{number}/lines/{line.id}/receive")
    assert client.post(f"/staff/orders/{number}/ready").status_code == 303
    url = public_url("orders.view", token=order.token)
    buyer = client.get(urlsplit(url).path + "?lang=en").get_data(as_text=True)
    assert 'class="qr"' in buyer and "Show this code at the showroom desk" in buyer
    _subject, body = _mail(_order(number), "ready_for_pickup")
    assert "Monday to Saturday" in body and "openstreetmap.org" in body and url in body

    # A scan that names nothing, then the scanner typing the order's address and Enter.
    missed = client.post("/staff/orders/scan?lang=en", data={"code": "GLM-NOTHING"})
    assert missed.status_code == 404
    assert "No online order has this code: GLM-NOTHING" in missed.get_data(as_text=True)
    empty = client.post("/staff/orders/scan?lang=fr", data={"code": "  "})
    assert empty.status_code == 422
    assert "Scannez le code QR ou saisissez le numéro de commande." in empty.get_data(as_text=True)
    done = client.post("/staff/orders/scan", data={"code": url})
    assert done.status_code == 303 and done.location == f"/staff/orders/{number}"
    assert _order(number).status == OrderStatus.COLLECTED
    kinds = [e.kind for e in _order(number).events]
    assert kinds.count("collected") == 1
    # Scanning it again hands nothing over twice; it opens the order instead.
    client.post("/staff/orders/scan", data={"code": url})
    assert [e.kind for e in _order(number).events].count("collected") == 1


def test_a_typed_number_hands_over_too(client, session, login, staff):
    order = make_paid_order(session, delivery="pickup")
    for line in order.lines:
        line.at_desk_at = order.paid_at
    order.status = OrderStatus.READY_FOR_PICKUP
    session.commit()
    login(staff)
    client.post("/staff/orders/scan", data={"code": f" {order.number.lower()} "})
    assert _order(order.number).status == OrderStatus.COLLECTED


@pytest.mark.parametrize(
    ("lang", "preparing", "ready", "cancelled"),
    [
        ("en", "as soon as it is ready", "is ready for pickup", "was cancelled and we refunded it"),
        (
            "fr",
            "dès qu'elle vous attendra",
            "est prête à retirer",
            "a été annulée et nous l'avons remboursée",
        ),
        ("ar", "فور جاهزيته", "جاهز للاستلام", "وقد استرددنا لك مبلغه"),
    ],
)
def test_buyer_mails_in_the_buyers_language(session, staff, lang, preparing, ready, cancelled):
    from storefront.fulfilment import services

    pickup = make_paid_order(session, delivery="pickup", locale=lang)
    for line in pickup.lines:
        services.receive_piece(session, pickup, line, user=staff)
    services.mark_ready(session, pickup, user=staff)
    services.mark_collected(session, pickup, user=staff)
    gone = make_paid_order(session, locale=lang)
    services.cancel_order(session, gone, user=staff, reason="out of stock")
    assert preparing in _mail(pickup, "preparing")[1]
    subject, body = _mail(pickup, "ready_for_pickup")
    assert ready in subject and pickup.number in subject
    assert _mail(pickup, "collected")[0].count(pickup.number) == 1
    subject, body = _mail(gone, "cancelled")
    assert cancelled in body
    assert ("820.00" in body) if lang == "en" else ("820,00" in body)


def test_the_artisan_sees_their_piece_to_bring_and_nobody_elses(client, session, login):
    mine = make_product(session, title_ar="طاجين", stock=2)
    theirs = make_product(session, stock=2)
    order = make_paid_order(session, pieces=[mine, theirs], delivery="pickup")
    me = make_user(session, role="artisan", artisan_id=mine.artisan_id, locale="ar")
    session.commit()
    login(me)
    page = client.get("/dashboard/?lang=ar").get_data(as_text=True)
    assert "قطع يجب إحضارها إلى المكتب" in page and "طاجين" in page and order.number in page
    assert theirs.sku not in page and mine.sku in page
    assert client.get("/staff/orders").status_code == 403


def test_papers_for_a_parcel_leaving_morocco(client, session, login, staff):
    order = make_paid_order(session)
    pickup = make_paid_order(session, delivery="pickup")
    session.commit()
    login(staff)
    customs = client.get(f"/staff/orders/{order.number}/customs?lang=fr").get_data(as_text=True)
    assert 'data-form="CN22"' in customs and "570,00" in customs and "3,300" in customs
    label = client.get(f"/staff/orders/{order.number}/label?lang=ar").get_data(as_text=True)
    assert "69002 LYON" in label and "FRANCE" in label
    slip = client.get(f"/staff/orders/{order.number}/packing-slip?lang=fr")
    assert slip.status_code == 200 and "Bon de livraison" in slip.get_data(as_text=True)
    assert client.get(f"/staff/orders/{pickup.number}/label").status_code == 404
    assert client.get(f"/staff/orders/{pickup.number}/customs").status_code == 404


def test_pick_list_page_highlights_the_shops_to_visit(client, session, login, staff):
    order = make_paid_order(session)
    session.commit()
    login(staff)
    page = client.get("/staff/orders/pick-list?lang=en").get_data(as_text=True)
    shops = sorted(line.shop_number for line in order.lines)
    assert re.findall(r'data-shop="(\d+)"', page) == [str(n) for n in shops]
    assert page.count(" highlight visit") == len(shops)


def test_managers_keep_the_carriers_list(client, session, login, staff):
    manager = make_user(session, role="admin")
    session.commit()
    login(staff)
    assert client.get("/admin/carriers").status_code == 403
    login(manager)
    bad = client.post(
        "/admin/carriers?lang=en",
        data={"name": "Amana", "tracking_url": "http://x/{number}", "active": "y"},
    )
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)
    good = client.post(
        "/admin/carriers",
        data={"name": "Amana", "tracking_url": "https://a.ma/{number}", "active": "y"},
    )
    assert good.status_code == 303
    twice = client.post("/admin/carriers?lang=en", data={"name": "amana", "active": "y"})
    assert twice.status_code == 409
    assert "A carrier already has this name." in twice.get_data(as_text=True)
    [carrier_id] = db.session.scalars(select(Carrier.id)).all()
    off = client.post(
        f"/admin/carriers/{carrier_id}",
        data={f"c{carrier_id}-name": "Amana", f"c{carrier_id}-tracking_url": ""},
    )
    assert off.status_code == 303
    db.session.expire_all()
    assert db.session.get(Carrier, carrier_id).active is False
    wrong = client.post(
        f"/admin/carriers/{carrier_id}?lang=en",
        data={f"c{carrier_id}-name": "", f"c{carrier_id}-active": "y"},
    )
    assert wrong.status_code == 422
    assert "Give the carrier's name." in wrong.get_data(as_text=True)
    assert "Amana" in client.get("/admin/carriers").get_data(as_text=True)


def test_showroom_orders_and_unknown_numbers_are_not_on_the_desk(client, session, login, staff):
    login(staff)
    assert client.get("/staff/orders/NOPE-1").status_code == 404
    unpaid = make_paid_order(session)
    unpaid.status, unpaid.paid_at = OrderStatus.PENDING_PAYMENT, None
    session.commit()
    assert unpaid.number not in client.get("/staff/orders?state=all").get_data(as_text=True)


def test_the_artisans_sale_notice_points_to_the_pieces_to_bring(session):
    from storefront.mail.services import queue_order_emails

    piece = make_product(session, stock=2)
    make_user(
        session,
        role="artisan",
        artisan_id=piece.artisan_id,
        locale="fr",
        email="potter@example.com",
    )
    order = make_paid_order(session, pieces=[piece])
    queue_order_emails(session, order)
    subject, body = _mail(order, "artisan_notice")
    assert order.number in subject
    assert "apporter la pièce au comptoir du showroom" in body
    assert body.rstrip().endswith(public_url("dashboard.index"))
