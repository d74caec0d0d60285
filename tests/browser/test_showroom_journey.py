"""Showroom counter in a real browser (French, 1024 px tablet).

Staff open the drawer, scan two labels, take cash, print the receipt, refund one line and close
10 MAD short with a note; a manager signs off. Then the till is used by keyboard alone.

Staff sign in through the real sign-in form, sent there by the showroom's access rule.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.showroom.models import RegisterSession, SessionStatus
from tests.factories import make_artisan, make_product, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def counter(live_server):
    """Two labelled pieces by two artisans, a staff member and a manager."""
    with live_server.seed() as session:
        potter = make_artisan(session, name="Fatima Zahra")
        jeweller = make_artisan(session, name="Brahim Ait")
        plate = make_product(
            session, artisan=potter, sku="GLM-00011", slug="plat-bleu", title_fr="Plat bleu",
            price_minor=12000, stock=2,
        )  # fmt: skip
        ring = make_product(
            session, artisan=jeweller, sku="GLM-00022", slug="bague-argent",
            title_fr="Bague en argent", price_minor=8000, stock=1,
        )  # fmt: skip
        staff = make_user(session, role="staff", name="Amina", locale="fr", email="amina@centre.ma")
        make_user(session, role="admin", name="Directrice", locale="fr", email="dir@centre.ma")
        ids = dict(plate=plate.id, ring=ring.id, staff=staff.id)
    return ids


def test_a_day_at_the_counter(live_server, new_page, shot, counter):
    base = live_server.url
    page = new_page("tablet", locale="fr-FR")
    sign_in(page, base, "amina@centre.ma")
    expect(page.locator("h1")).to_have_text("Caisses du showroom")

    # Open the drawer: 2 × 200 and 5 × 20 = 500 MAD.
    page.get_by_role("link", name="Ouvrir la caisse 1").click()
    page.locator("#n_20000").fill("2")
    page.locator("#n_2000").fill("5")
    expect(page.locator("[data-count-output]")).to_contain_text("500,00")
    shot(page, "open-drawer")
    page.get_by_role("button", name="Ouvrir la caisse").click()
    expect(page.locator(".flash-success")).to_contain_text("La caisse 1 est ouverte")

    # Labels: the sheet carries the address the scanner will type.
    labels = new_page("tablet", locale="fr-FR")
    sign_in(labels, base, "amina@centre.ma")
    labels.goto(f"{base}/staff/labels?artisan=&from=&to=")
    expect(labels.locator(".label")).to_have_count(2)
    expect(labels.locator(".label svg.qr")).to_have_count(2)
    shot(labels, "labels")

    # Scan two labels: one by its QR address, one by its SKU; the scanner ends with Enter.
    scan = page.locator("#code")
    expect(scan).to_be_focused()
    scan.fill("http://127.0.0.1:5000/products/plat-bleu")
    scan.press("Enter")
    expect(page.locator(".basket")).to_contain_text("Plat bleu")
    page.locator("#code").fill("GLM-00022")
    page.locator("#code").press("Enter")
    expect(page.locator(".basket")).to_contain_text("Bague en argent")
    expect(page.locator("[data-total-output]")).to_contain_text("200,00")

    # Cash: 500 handed over, 300 change shown while typing.
    page.get_by_label("Espèces reçues (MAD)").fill("500")
    expect(page.locator("[data-change-output]")).to_contain_text("300,00")
    shot(page, "pos-cash")
    page.get_by_role("button", name="Encaisser").click()

    # The receipt, then how it prints (80 mm, no site header).
    expect(page.locator(".change-due")).to_contain_text("300,00")
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Plat bleu")
    expect(receipt).to_contain_text("Fatima Zahra")
    expect(receipt).to_contain_text("boutique")
    expect(receipt.locator("svg.qr")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer le ticket")).to_be_visible()
    number = receipt.locator("strong.sku").inner_text()
    assert re.fullmatch(r"S\d{6}-[0-9A-Z]{6}", number)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    width = page.evaluate("document.querySelector('.receipt').getBoundingClientRect().width")
    assert width <= 80 / 25.4 * 96 + 1  # 80 mm at 96 px per inch
    shot(page, "receipt-print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")

    # Refund the ring, in cash, back to stock.
    page.get_by_role("link", name="Retourner des pièces").click()
    page.get_by_label("Combien de GLM-00022 retourner").fill("1")
    page.get_by_label("Motif").fill("Taille trop petite")
    page.get_by_role("button", name="Rembourser").click()
    expect(page.locator(".flash-success")).to_contain_text("Remboursement enregistré")
    expect(page.locator(".receipt")).to_contain_text("80,00")
    shot(page, "receipt-after-refund")

    # Close: expected 500 + 200 − 80 = 620 MAD; counted 610 MAD, so 10 MAD short.
    page.get_by_role("link", name="Caisses", exact=True).click()
    page.get_by_role("link", name="Fermer la caisse").click()
    expect(page.locator("[data-expected-cash]")).to_contain_text("620,00")
    page.locator("#n_20000").fill("3")
    page.locator("#n_1000").fill("1")
    expect(page.locator("[data-diff-output]")).to_contain_text("10,00")
    page.get_by_role("button", name="Fermer la caisse").click()
    expect(page.locator("#note-error")).to_contain_text("Expliquez l’écart")
    page.get_by_label("Note", exact=True).fill("10 MAD manquants : monnaie rendue deux fois")
    shot(page, "close-short")
    page.get_by_role("button", name="Fermer la caisse").click()
    expect(page.locator(".flash-success")).to_contain_text("La caisse est fermée")
    expect(page.locator(".closing")).to_contain_text("-10,00")
    expect(page.locator("body")).to_contain_text("Un responsable doit valider")

    # The manager signs off; the session is locked.
    manager = new_page("tablet", locale="fr-FR")
    sign_in(manager, base, "dir@centre.ma")
    with live_server.seed() as session:
        session_id = session.scalar(select(RegisterSession.id))
    manager.goto(f"{base}/staff/sessions/{session_id}")
    manager.get_by_label("Commentaire (facultatif)").fill("Vu avec Amina.")
    manager.get_by_role("button", name="Valider et verrouiller").click()
    expect(manager.locator(".flash-success")).to_contain_text("ne peut plus changer")
    manager.get_by_role("link", name="Le rapprochement du jour").click()
    expect(manager.locator(".day-state")).to_contain_text("Rapproché et validé")
    expect(manager.locator(".artisans")).to_contain_text("Fatima Zahra")
    expect(manager.locator("svg.bars").first).to_be_visible()
    shot(manager, "reconciliation")
    with live_server.seed() as session:
        rs = session.get(RegisterSession, session_id)
        assert rs.status == SessionStatus.SIGNED_OFF
        assert rs.reconciliation.cash_difference_minor == -1000


def test_the_till_by_keyboard_alone(live_server, new_page, shot, counter):
    with live_server.seed() as session:
        from storefront.showroom import services

        staff = session.get(User, counter["staff"])
        services.open_register(session, register=1, pieces={10000: 5}, user=staff)
    page = new_page("tablet", locale="fr-FR")
    sign_in(page, live_server.url, "amina@centre.ma", then="/staff/pos")
    keyboard = page.keyboard

    # The scan box has the focus on every visit: type, Enter, and again.
    expect(page.locator("#code")).to_be_focused()
    keyboard.type("glm-00011")
    keyboard.press("Enter")
    expect(page.locator(".basket")).to_contain_text("Plat bleu")
    expect(page.locator("#code")).to_be_focused()

    # Search by maker with F3, then Tab to the result's Add button.
    keyboard.press("F3")
    expect(page.locator("#pos-q")).to_be_focused()
    keyboard.type("Brahim")
    keyboard.press("Enter")
    expect(page.locator(".results")).to_contain_text("Bague en argent")
    _tab_to(page, ".results button")
    keyboard.press("Enter")
    expect(page.locator(".basket")).to_contain_text("Bague en argent")

    # F4 jumps to the cash; Tab reaches "Encaisser"; Enter pays.
    keyboard.press("F4")
    expect(page.locator("#cash_tendered")).to_be_focused()
    keyboard.type("250")
    expect(page.locator("[data-change-output]")).to_contain_text("50,00")
    _tab_to(page, ".pay-button")
    shot(page, "keyboard-pay")
    keyboard.press("Enter")
    expect(page.locator(".change-due")).to_contain_text("50,00")
    expect(page.locator(".receipt")).to_contain_text("Bague en argent")
    shot(page, "keyboard-receipt")


def sign_in(page, base: str, email: str, then: str = "/staff/") -> None:
    """Open a staff page, get sent to the sign-in form, sign in, and land on that page."""
    page.goto(base + then)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(base + then)


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching selector has the focus."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")
