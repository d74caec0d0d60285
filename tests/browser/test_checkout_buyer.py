"""Checkout as buyers expect, in a real browser: the total for France without JavaScript, the
total updating with it, a language switch that keeps what was typed, and the back button's
resend of a form whose order was cancelled. Several fresh visitors where the journey is
public."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order, OrderStatus
from tests.factories import make_artisan, make_product

VISITORS = 3


@pytest.fixture
def jar(live_server) -> str:
    """A 350.00 MAD jar of 800 g (Europe's first step, 250.00 MAD), enough for every visitor."""
    with live_server.seed() as session:
        potter = make_artisan(session, name="Fatima Aït Potière")
        product = make_product(
            session,
            artisan=potter,
            slug="tamgrout-jar",
            title_fr="Jarre de Tamgrout",
            title_en="Tamgrout jar",
            price_minor=35000,
            stock=20,
            weight_grams=800,
        )
        return product.slug


def _to_checkout(page, base: str, slug: str) -> None:
    page.goto(f"{base}/products/{slug}?lang=fr")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.locator(".flash-success")).to_contain_text("est dans votre panier")
    page.goto(f"{base}/checkout")
    expect(page.locator("h1")).to_have_text("Commander")


def _fill_for_france(page, n: int) -> None:
    page.get_by_label("E-mail").fill(f"visitor{n}@example.com")
    page.get_by_label("Nom complet").fill(f"Camille Martin {n}")
    page.get_by_label("Livraison à mon adresse").check()
    page.get_by_label("Adresse", exact=True).fill(f"{n} rue Nationale")
    page.get_by_label("Ville").fill("Lille")
    page.get_by_label("Code postal").fill("59000")
    page.get_by_label("Pays").select_option("FR")


def test_without_javascript_update_total_shows_shipping_to_france(live_server, browser, jar, shot):
    for n in range(VISITORS):  # each a fresh browser: own cookies, own CSRF token
        context = browser.new_context(java_script_enabled=False, locale="fr-FR")
        page = context.new_page()
        _to_checkout(page, live_server.url, jar)
        total = page.locator("#checkout-total")
        expect(total).to_contain_text("Choisissez le retrait ou la livraison")
        radios = page.locator("input[name=delivery]")
        assert [radios.nth(i).is_checked() for i in range(2)] == [False, False]
        _fill_for_france(page, n)
        page.get_by_role("button", name="Mettre à jour le total").click()
        expect(total).to_contain_text("Livraison vers : France")
        expect(total).to_contain_text("250,00")
        expect(total).to_contain_text("600,00")
        expect(page.get_by_label("Adresse", exact=True)).to_have_value(f"{n} rue Nationale")
        expect(page.get_by_label("E-mail")).to_have_value(f"visitor{n}@example.com")
        expect(page.get_by_label("Pays")).to_have_value("FR")
        if n == 0:
            shot(page, "checkout-total-france-no-js")
        page.get_by_role("button", name="Confirmer et payer").click()
        expect(page.locator("h1")).to_have_text("Paiement de test, aucun argent ne circule")
        expect(page.locator(".test-payment strong")).to_contain_text("600,00")
        context.close()
    with live_server.app.app_context():
        orders = db.session.scalars(select(Order)).all()
        assert [(o.shipping_minor, o.total_minor, o.ship_country) for o in orders] == [
            (25000, 60000, "FR")
        ] * VISITORS


def test_with_javascript_the_total_follows_the_country(live_server, new_page, jar):
    page = new_page("phone", locale="fr-FR")
    _to_checkout(page, live_server.url, jar)
    expect(page.get_by_role("button", name="Mettre à jour le total")).to_be_hidden()
    page.get_by_label("E-mail").fill("phone@example.com")
    page.get_by_label("Livraison à mon adresse").check()
    total = page.locator("#checkout-total")
    expect(total).to_contain_text("Choisissez le pays")
    page.get_by_label("Pays").select_option("FR")
    expect(total).to_contain_text("Livraison vers : France")
    expect(total).to_contain_text("600,00")
    page.get_by_label("Pays").select_option("MA")
    expect(total).to_contain_text("390,00")  # 350.00 + 40.00 within Morocco
    assert page.url.endswith("/checkout")  # no page load: what was typed is simply there
    expect(page.get_by_label("E-mail")).to_have_value("phone@example.com")


def test_switching_language_keeps_what_was_typed(live_server, new_page, jar, shot):
    for n in range(2):
        page = new_page("desktop", locale="fr-FR")
        _to_checkout(page, live_server.url, jar)
        _fill_for_france(page, n)
        page.locator(".lang-switch").get_by_role("button", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).not_to_have_text("Commander")
        expect(page.locator("input[name=email]")).to_have_value(f"visitor{n}@example.com")
        expect(page.locator("input[name=name]")).to_have_value(f"Camille Martin {n}")
        expect(page.locator("input[name=line1]")).to_have_value(f"{n} rue Nationale")
        expect(page.locator("input[name=postal_code]")).to_have_value("59000")
        expect(page.locator("select[name=country]")).to_have_value("FR")
        expect(page.locator("input[name=delivery][value=ship]")).to_be_checked()
        expect(page.locator("select[name=country] option:checked")).to_have_text("فرنسا")
        if n == 0:
            shot(page, "checkout-switched-to-arabic")
        page.locator(".lang-switch").get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#checkout-total")).to_contain_text("Shipping to France")
        expect(page.locator("input[name=city]")).to_have_value("Lille")
        page.goto(f"{live_server.url}/cart")  # the language chosen is remembered
        expect(page.locator("html")).to_have_attribute("lang", "en")


def _start_paying_in_a_new_window(page, n: int):
    """Fill the form and send it with Shift+click: the payment opens in a new window, and
    this one keeps showing the form as sent, key and all, as the back button shows it from
    the browser's memory (Chromium here reloads it instead, so the journey is made this way)."""
    page.get_by_label("E-mail").fill(f"back{n}@example.com")
    page.get_by_label("Nom complet").fill("Camille Martin")
    page.get_by_label("Retrait à l’espace d’exposition à Guelmim (gratuit)").check()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Confirmer et payer").click(modifiers=["Shift"])
    paying = opened.value
    expect(paying.locator("h1")).to_have_text("Paiement de test, aucun argent ne circule")
    return paying


def test_an_old_form_sent_again_after_cancelling_keeps_the_cart(live_server, new_page, jar, shot):
    for n in range(2):
        page = new_page("desktop", locale="fr-FR")
        base = live_server.url
        _to_checkout(page, base, jar)
        paying = _start_paying_in_a_new_window(page, n)
        # The buyer leaves the payment page: the cart says an order waits, with a way back.
        paying.goto(f"{base}/cart")
        waiting = paying.locator("#waiting-order")
        expect(waiting).to_contain_text("Une commande attend votre paiement")
        waiting.get_by_role("link", name="Voir la commande").click()
        paying.get_by_role("button", name="Annuler et revenir à mon panier").click()
        expect(paying.locator(".cart-line")).to_have_count(1)
        expect(paying.locator("#waiting-order")).to_have_count(0)
        paying.close()
        # The old form, sent again.
        page.get_by_role("button", name="Confirmer et payer").click()
        notice = page.locator("#checkout-notice")
        expect(notice).to_contain_text("Ce formulaire a déjà servi pour la commande")
        expect(notice).to_contain_text("Vos pièces sont toujours dans votre panier")
        expect(page.get_by_label("E-mail")).to_have_value(f"back{n}@example.com")
        expect(page.locator(".cart-link .count")).to_have_text("1")
        if n == 0:
            shot(page, "checkout-resent-after-cancel")
        page.get_by_role("button", name="Confirmer et payer").click()  # a new order this time
        expect(page.locator("h1")).to_have_text("Paiement de test, aucun argent ne circule")
    with live_server.app.app_context():
        statuses = db.session.scalars(select(Order.status).order_by(Order.id)).all()
        assert statuses == [OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT] * 2


def test_the_back_button_after_cancelling_gives_a_fresh_form_and_the_cart(
    live_server, new_page, jar
):
    page = new_page("desktop", locale="fr-FR")
    base = live_server.url
    _to_checkout(page, base, jar)
    page.get_by_label("E-mail").fill("back@example.com")
    page.get_by_label("Nom complet").fill("Camille Martin")
    page.get_by_label("Retrait à l’espace d’exposition à Guelmim (gratuit)").check()
    page.get_by_role("button", name="Confirmer et payer").click()
    expect(page.locator("h1")).to_have_text("Paiement de test, aucun argent ne circule")
    page.goto(f"{base}/cart")
    page.locator("#waiting-order").get_by_role("link", name="Voir la commande").click()
    page.get_by_role("button", name="Annuler et revenir à mon panier").click()
    expect(page.locator(".cart-line")).to_have_count(1)
    for _step in range(6):  # cart, order, cart, payment page, then the form
        if page.url.endswith("/checkout"):
            break
        page.go_back()
    assert page.url.endswith("/checkout")
    expect(page.locator(".cart-link .count")).to_have_text("1")
    page.get_by_label("E-mail").fill("back@example.com")
    page.get_by_label("Nom complet").fill("Camille Martin")
    page.get_by_label("Retrait à l’espace d’exposition à Guelmim (gratuit)").check()
    page.get_by_role("button", name="Confirmer et payer").click()
    expect(page.locator("h1")).to_have_text("Paiement de test, aucun argent ne circule")
    with live_server.app.app_context():
        statuses = db.session.scalars(select(Order.status).order_by(Order.id)).all()
        assert statuses == [OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT]
