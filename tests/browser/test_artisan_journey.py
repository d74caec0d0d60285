"""An artisan on a phone, in Arabic, joins by invitation and lists a piece; staff approve it."""

from __future__ import annotations

import re

from PIL import Image
from playwright.sync_api import expect

from storefront.accounts import services as accounts
from storefront.accounts.views import invitation_link
from tests.factories import make_artisan, make_craft, make_user


def _photo(path, colour) -> str:
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return str(path)


def test_invited_artisan_lists_a_piece_that_staff_approve(live_server, new_page, shot, tmp_path):
    with live_server.seed() as session:
        craft = make_craft(session, slug="pottery", name_ar="الفخار", kind="productive")
        artisan = make_artisan(
            session, craft=craft, slug="mbarka", name="Mbarka Tekni", name_ar="امباركة التكني"
        )
        admin = make_user(session, role="admin", email="admin@example.com")
        make_user(session, role="staff", email="staff@example.com")
        invitation = accounts.invite(
            session,
            email="mbarka@example.com",
            role="artisan",
            artisan_id=artisan.id,
            created_by_id=admin.id,
        )
        with live_server.app.test_request_context(base_url=live_server.url):
            link = invitation_link(invitation)

    page = new_page("phone", locale="ar-MA")
    page.goto(link + "?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("أنشئ حسابك")
    page.locator("#name").fill("امباركة")
    page.locator("#password").fill("a long secret phrase")
    page.locator("#confirm").fill("a long secret phrase")
    shot(page, "invitation")
    page.get_by_role("button", name="أنشئ حسابي").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("h1")).to_contain_text("ورشتي")

    page.get_by_role("link", name="عرض جديد").click()
    page.locator("#title_ar").fill("طاجين تغمرت")
    page.locator("#description_ar").fill("طاجين من طين واد نون، مطلي باليد.")
    page.locator("#price").fill("280")
    page.locator("#stock").fill("2")
    shot(page, "new-listing")
    page.locator(".listing-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.locator("#photos").set_input_files(
        [_photo(tmp_path / "a.jpg", (190, 80, 40)), _photo(tmp_path / "b.jpg", (40, 80, 190))]
    )
    page.get_by_role("button", name="رفع").click()
    expect(page.locator(".photo-row")).to_have_count(2)
    shot(page, "photos")
    page.get_by_role("button", name="أرسل للمراجعة").click()
    expect(page.locator(".listing-row .badge")).to_have_text("في انتظار المراجعة")
    shot(page, "submitted")

    staff = new_page("desktop", locale="fr-FR")
    staff.goto(f"{live_server.url}/login?lang=fr")
    staff.locator("#email").fill("staff@example.com")
    staff.locator("#password").fill("correct horse battery")
    staff.get_by_role("button", name="Se connecter").click()
    staff.goto(f"{live_server.url}/admin/listings?lang=fr")
    item = staff.locator(".review-item").filter(has_text="طاجين تغمرت")
    expect(item.locator("img")).to_have_count(2)
    shot(staff, "review")
    item.get_by_role("button", name="Valider").click()
    expect(staff.locator(".flash-success")).to_contain_text("Validé")

    tourist = new_page("phone", locale="ar-MA")
    tourist.goto(f"{live_server.url}/products?lang=ar&q=تغمرت")
    tourist.locator(".card-link").filter(has_text="طاجين تغمرت").click()
    expect(tourist.locator("h1")).to_have_text("طاجين تغمرت")
    expect(tourist.locator(".gallery img")).to_have_count(2)
    expect(tourist.locator(".maker-link")).to_have_text("امباركة التكني")
    shot(tourist, "live-in-catalog")
    tourist.locator(".maker-link").click()
    expect(tourist).to_have_url(re.compile(r"/artisans/mbarka$"))
