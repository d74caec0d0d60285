"""A manager pays an artisan in cash and prints the receipt; the artisan, on a 360 px phone in
Arabic, sees the payout and downloads the month's statement."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from storefront.money import format_money
from storefront.orders.models import Channel
from storefront.timeutil import utcnow
from tests.factories import make_artisan, make_craft, make_product, make_user
from tests.ledger.helpers import paid_order


def _sign_in(page, url: str, email: str, lang: str) -> None:
    page.goto(f"{url}/login?lang={lang}")
    page.locator("#email").fill(email)
    page.locator("#password").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#email")).to_have_count(0)


def test_a_cash_payout_reaches_the_artisans_phone_and_statement(
    live_server, new_page, shot, tmp_path
):
    with live_server.seed() as session:
        craft = make_craft(session, slug="pottery", name_ar="الفخار", kind="productive")
        maker = make_artisan(
            session, craft=craft, slug="mbarka", name="Mbarka Tekni", name_ar="امباركة التكني"
        )
        vase = make_product(session, artisan=maker, price_minor=50000)
        paid_order(session, vase, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(days=9))
        make_user(session, role="admin", email="manager@example.com")
        make_user(session, role="artisan", email="mbarka@example.com", artisan_id=maker.id,
                  locale="ar")  # fmt: skip

    manager = new_page("desktop", locale="fr-FR")
    _sign_in(manager, live_server.url, "manager@example.com", "fr")
    manager.goto(f"{live_server.url}/admin/payouts?lang=fr")
    row = manager.locator("tr").filter(has_text="Mbarka Tekni")
    expect(row).to_contain_text(format_money(45000, "fr"))
    row.locator("input[type=checkbox]").check()
    row.locator("select").select_option("cash")
    shot(manager, "payout-run")
    manager.get_by_role("button", name="Enregistrer les paiements cochés").click()
    expect(manager.locator(".flash-success")).to_contain_text("Paiements enregistrés")
    reference = manager.locator("td.sku").first.inner_text()
    assert re.fullmatch(r"PAY-\d{6}", reference)
    manager.get_by_role("link", name="Reçu de paiement").click()
    receipt = manager.locator(".payout-receipt")
    expect(receipt.locator("section[lang=ar]")).to_contain_text("وصل أداء")
    expect(receipt.locator("section[lang=fr]")).to_contain_text("Reçu de paiement")
    expect(receipt.locator(".signature-line")).to_have_count(4)
    expect(manager.get_by_role("button", name="Imprimer")).to_be_visible()
    manager.emulate_media(media="print")
    expect(manager.locator(".site-header")).to_be_hidden()
    expect(receipt.locator("section[lang=ar]")).to_contain_text(format_money(45000, "ar"))
    shot(manager, "receipt-printed")

    phone = new_page("phone", locale="ar-MA")
    _sign_in(phone, live_server.url, "mbarka@example.com", "ar")
    phone.goto(f"{live_server.url}/dashboard/?lang=ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("[data-balance=paid]")).to_have_text(format_money(45000, "ar"))
    expect(phone.locator("[data-balance=available]")).to_have_text(format_money(0, "ar"))
    expect(phone.locator(".payouts-received")).to_contain_text(reference)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "artisan-balance")
    phone.get_by_role("link", name="كشوفاتي الشهرية").first.click()
    phone.locator(".statement-months a").first.click()
    expect(phone.locator(".statement")).to_contain_text(reference)
    expect(phone.locator("[data-closing]")).to_have_text(format_money(0, "ar"))
    shot(phone, "statement")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="تنزيل (PDF)").click()
    saved = tmp_path / "statement.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert re.fullmatch(r"statement-\d{4}-\d{2}\.pdf", download.value.suggested_filename)
