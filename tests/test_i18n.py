"""Languages: choice, direction, complete catalogs, money formats and content fallback."""

from __future__ import annotations

import pytest

from storefront.i18n_tools import TRANSLATED, missing
from storefront.money import format_money
from tests.factories import make_product


@pytest.mark.parametrize(
    ("query", "headers", "lang", "direction"),
    [
        ("?lang=ar", {}, "ar", "rtl"),
        ("?lang=en", {}, "en", "ltr"),
        ("", {"Accept-Language": "ar-MA,ar;q=0.9"}, "ar", "rtl"),
        ("", {"Accept-Language": "en-GB,en;q=0.8"}, "en", "ltr"),
        ("?lang=xx", {"Accept-Language": "de"}, "fr", "ltr"),
    ],
)
def test_language_and_direction(client, query, headers, lang, direction):
    html = client.get("/zone" + query, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_chosen_language_is_remembered(client):
    response = client.get("/zone?lang=ar")
    assert "lang=ar" in response.headers["Set-Cookie"]
    html = client.get("/zone", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "خريطة منطقة الأنشطة" in html


def test_a_language_chosen_on_a_redirect_is_remembered(client, session, login):
    """/staff/reconciliation?lang=ar redirects to today's page, which must be in Arabic."""
    from tests.factories import make_user

    login(make_user(session, role="staff"))
    session.commit()
    response = client.get("/staff/reconciliation?lang=ar")
    assert response.status_code == 302 and "lang=ar" in response.headers["Set-Cookie"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_visible_string_is_translated(lang):
    assert missing(lang) == []


def test_money_is_formatted_per_locale():
    assert format_money(125000, "fr") == "1\u202f250,00\xa0MAD"
    assert format_money(125000, "en") == "1,250.00\xa0MAD"
    assert "د.م." in format_money(125000, "ar")


def test_content_falls_back_to_the_makers_language(client, session):
    make_product(
        session, slug="scarf", title_ar="وشاح أزرق", title_fr=None, title_en=None, source_lang="ar"
    )
    session.commit()
    html = client.get("/products/scarf?lang=en").get_data(as_text=True)
    assert "وشاح أزرق" in html
