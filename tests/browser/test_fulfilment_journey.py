"""Online orders after payment, in a real browser.

Staff on a 1024 px tablet in French take a paid parcel to Lyon through the pick list, the
pieces received, the packing slip, the CN22 and shipping, and the buyer's page shows the
tracking link; a pickup order is handed over by scanning its QR code (the scanner types the
order page's address and Enter); an artisan on a 360 px phone in Arabic sees the piece to bring.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order, OrderStatus
from storefront.urls import public_url
from tests.browser.test_showroom_journey import sign_in
from tests.factories import make_artisan, make_product, make_user
from tests.fulfilment.factories import make_carrier, make_paid_order

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(live_server):
    """A paid parcel to Lyon (two makers), a paid pickup order, staff, and an artisan account."""
    with live_server.seed() as session:
        potter = make_artisan(session, name="Fatima Zahra", name_ar="فاطمة الزهراء")
        weaver = make_artisan(session, name="Aicha Ait")
        jar = make_product(
            session,
            artisan=potter,
            title_fr="Jarre bleue",
            title_ar="جرة زرقاء",
            price_minor=12000,
            weight_grams=800,
            stock=3,
        )
        rug = make_product(
            session,
            artisan=weaver,
            title_fr="Tapis de Guelmim",
            price_minor=45000,
            weight_grams=2500,
            stock=2,
        )
        parcel = make_paid_order(session, pieces=[jar, rug], locale="fr")
        pickup = make_paid_order(
            session, pieces=[make_product(session, stock=2)], delivery="pickup", locale="en"
        )
        make_carrier(session, name="Amana", tracking_url="https://track.example.ma/?n={number}")
        make_user(session, role="staff", locale="fr", email="amina@centre.ma")
        make_user(
            session, role="artisan", artisan_id=potter.id, locale="ar", email="fatima@centre.ma"
        )
        ids = dict(
            parcel=parcel.number,
            parcel_token=parcel.token,
            pickup=pickup.number,
            pickup_token=pickup.token,
            shops=sorted({potter.shop.number, weaver.shop.number}),
        )
    return ids


def _status(app, number: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Order.status).where(Order.number == number))


def test_staff_pick_pack_declare_and_ship_a_parcel(live_server, new_page, shot, desk):
    base = live_server.url
    page = new_page("tablet", locale="fr-FR")
    sign_in(page, base, "amina@centre.ma", then="/staff/orders")
    expect(page.locator("h1")).to_have_text("Commandes en ligne")
    row = page.locator(f'tr[data-order="{desk["parcel"]}"]')
    expect(row).to_contain_text("Camille Martin")
    expect(row).to_contain_text("0 sur 2")
    shot(page, "desk")

    # The pick list: both shops to visit, highlighted on the zone map.
    page.get_by_role("link", name="Liste de collecte").first.click()
    expect(page.locator(".pick-stop")).to_have_count(3)  # the pickup order's shop too
    for number in desk["shops"]:
        expect(page.locator(f'.pick-stop[data-shop="{number}"]')).to_contain_text(desk["parcel"])
    expect(page.locator(".zone-map .plot.visit")).to_have_count(3)
    shot(page, "pick-list")

    page.locator(f'.pick-stop a:has-text("{desk["parcel"]}")').first.click()
    expect(page.locator("h1")).to_contain_text(desk["parcel"])
    for _ in range(2):
        page.get_by_role("button", name="Reçue de l'artisan").first.click()
        expect(page.locator(".flash-success")).to_contain_text("Reçue au comptoir")
    expect(page.locator(".where-desk")).to_have_count(2)
    expect(page.locator("h1 .badge")).to_have_text("En préparation")

    # Pack with the slip, declare with the CN22.
    page.get_by_role("link", name="Bon de livraison").click()
    expect(page.locator(".packing-slip tbody tr")).to_have_count(2)
    expect(page.locator(".packing-slip .qr")).to_be_visible()
    page.get_by_role("link", name="Retour à la commande").click()
    page.get_by_role("link", name="Déclaration en douane (CN22/CN23)").click()
    expect(page.locator(".customs")).to_have_attribute("data-form", "CN22")
    expect(page.locator(".customs-items tbody tr")).to_have_count(2)
    expect(page.locator(".customs-items tfoot")).to_contain_text("570,00")
    expect(page.locator(".customs-items tfoot")).to_contain_text("3,300")
    expect(page.locator(".customs")).to_contain_text("FRANCE")
    shot(page, "cn22")
    page.get_by_role("link", name="Retour à la commande").click()

    page.get_by_label("Transporteur").select_option(label="Amana")
    page.get_by_label("Numéro de suivi").fill("CX123456789MA")
    page.get_by_role("button", name="Expédiée : envoyer le lien de suivi").click()
    expect(page.locator(".flash-success")).to_contain_text("lien de suivi")
    expect(page.locator("h1 .badge")).to_have_text("Expédiée")
    assert _status(live_server.app, desk["parcel"]) == OrderStatus.SHIPPED

    buyer = new_page("phone", locale="fr-FR")
    with live_server.app.app_context():
        path = re.sub(r"^https?://[^/]+", "", public_url("orders.view", token=desk["parcel_token"]))
    buyer.goto(base + path + "?lang=fr")
    link = buyer.get_by_role("link", name="Suivre votre colis")
    expect(link).to_have_attribute("href", "https://track.example.ma/?n=CX123456789MA")
    expect(buyer.locator('.order-timeline [data-step="shipped"]')).to_have_class("done")
    shot(buyer, "buyer-tracking")


def test_a_pickup_order_is_collected_by_scanning_its_qr_code(live_server, new_page, desk):
    base = live_server.url
    page = new_page("tablet", locale="fr-FR")
    sign_in(page, base, "amina@centre.ma", then=f"/staff/orders/{desk['pickup']}")
    page.get_by_role("button", name="Reçue de l'artisan").click()
    page.get_by_role("button", name="Prête à retirer : prévenir l'acheteur").click()
    expect(page.locator("h1 .badge")).to_have_text("Prête à retirer")
    page.get_by_role("link", name="Commandes en ligne").click()
    with live_server.app.app_context():
        scanned = public_url("orders.view", token=desk["pickup_token"])
    # A USB scanner is a keyboard: it types what the QR code holds, then Enter.
    page.locator("#code").press_sequentially(scanned)
    page.locator("#code").press("Enter")
    expect(page.locator(".flash-success")).to_contain_text(f"Commande {desk['pickup']} remise.")
    expect(page.locator("h1 .badge")).to_have_text("Retirée")
    assert _status(live_server.app, desk["pickup"]) == OrderStatus.COLLECTED


def test_the_artisan_sees_the_piece_to_bring_on_a_phone(live_server, new_page, shot, desk):
    page = new_page("phone", locale="ar-MA")
    sign_in(page, live_server.url, "fatima@centre.ma", then="/dashboard/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    section = page.locator(".to-bring")
    expect(section.locator("h2")).to_have_text("قطع يجب إحضارها إلى المكتب")
    expect(section.locator(".listing-row")).to_have_count(1)
    expect(section).to_contain_text("جرة زرقاء")
    expect(section).to_contain_text(desk["parcel"])
    expect(section.locator(".due")).to_contain_text("أحضرها قبل")
    shot(page, "pieces-to-bring")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
