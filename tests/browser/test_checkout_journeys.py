"""A French tourist on a desktop buys two pieces by two artisans: test gateway, then Stripe."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.ledger.models import LedgerEntry
from storefront.orders.models import Order
from tests.factories import make_artisan, make_product
from tests.fake_stripe.fixtures import fake_stripe, stripe_config  # noqa: F401


def _two_pieces(app) -> list[str]:
    with app.app_context():
        potter = make_artisan(db.session, name="Fatima Aït Potière")
        weaver = make_artisan(db.session, name="Aicha Tisserande")
        pot = make_product(
            db.session, artisan=potter, price_minor=35000, stock=2, title_fr="Jarre de Tamgrout"
        )
        rug = make_product(
            db.session, artisan=weaver, price_minor=120000, stock=1, title_fr="Tapis de Guelmim"
        )
        db.session.commit()
        return [pot.slug, rug.slug]


def _fill_cart_and_check_out(page, base: str, slugs: list[str], shot) -> None:
    for slug in slugs:
        page.goto(f"{base}/products/{slug}?lang=fr")
        page.get_by_role("button", name="Ajouter au panier").click()
        expect(page.locator(".flash-success")).to_contain_text("est dans votre panier")
    expect(page.locator(".cart-link .count")).to_have_text("2")
    page.locator(".cart-link").click()
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator(".cart-subtotal")).to_contain_text("1 550,00")
    shot(page, "cart")
    page.get_by_role("link", name="Commander").click()
    page.get_by_label("E-mail").fill("camille@example.com")
    page.get_by_label("Nom complet").fill("Camille Martin")
    page.get_by_label("Retrait à l’espace d’exposition à Guelmim (gratuit)").check()
    shot(page, "checkout")
    page.get_by_role("button", name="Confirmer et payer").click()


def test_tourist_buys_two_pieces_with_the_test_gateway(live_server, new_page, shot):
    slugs = _two_pieces(live_server.app)
    page = new_page("desktop", locale="fr-FR")
    _fill_cart_and_check_out(page, live_server.url, slugs, shot)
    expect(page.locator("h1")).to_have_text("Paiement de test, aucun argent ne circule")
    shot(page, "test-payment")
    page.get_by_role("button", name="Payer").click()
    expect(page).to_have_url(re.compile(r"/orders/[\w-]+$"))
    expect(page.locator(".order-status")).to_contain_text("Payé")
    expect(page.locator(".order-status")).to_contain_text("Votre paiement est confirmé")
    expect(page.locator(".order-line")).to_have_count(2)
    expect(page.locator(".totals-list")).to_contain_text("1 550,00")
    shot(page, "paid-order")
    with live_server.app.app_context():
        order = db.session.scalar(select(Order))
        assert order.status == "paid" and {ln.artisan_name for ln in order.lines} == {
            "Fatima Aït Potière",
            "Aicha Tisserande",
        }
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 4
    expect(page.locator(".cart-link .count")).to_have_count(0)


def test_same_cart_through_stripe_reaches_the_session_page(
    stripe_config,  # noqa: F811  (the imported fixture)
    live_server,
    new_page,
    shot,
    fake_stripe,  # noqa: F811
):
    slugs = _two_pieces(live_server.app)
    page = new_page("desktop", locale="fr-FR")
    _fill_cart_and_check_out(page, live_server.url, slugs, shot)
    expect(page.locator("h1")).to_have_text("Fake Stripe Checkout")
    [session] = fake_stripe.sessions.values()
    assert page.url == session["url"]
    assert session["amount_total"] == 155000 and session["locale"] == "fr"
    shot(page, "stripe-session")
