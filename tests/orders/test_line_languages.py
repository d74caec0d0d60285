"""Order lines keep what was sold in every language, and each page shows it in the viewer's."""

from __future__ import annotations

import html
import re

import pytest

from storefront.ledger.services import sales_for_artisan
from storefront.mail.models import MessageKind
from storefront.mail.sender import render_message
from storefront.mail.services import queue_order_emails
from storefront.orders.models import Channel
from storefront.orders.services import create_order, mark_paid
from storefront.showroom.services import local_date
from tests.factories import make_artisan, make_product, make_user
from tests.showroom.factories import make_counter_sale, make_register_session

OLD = {"ar": "جرة زرقاء", "fr": "Jarre bleue", "en": "Blue jar"}
NEW = {"ar": "طبق أحمر", "fr": "Plat rouge", "en": "Red dish"}
MAKER = {"ar": "فاطمة الفخارية", "fr": "Fatima Potter", "en": "Fatima Potter"}


@pytest.fixture
def piece(session):
    maker = make_artisan(session, name="Fatima Potter", name_ar="فاطمة الفخارية")
    return make_product(
        session,
        artisan=maker,
        stock=5,
        title_ar=OLD["ar"],
        title_fr=OLD["fr"],
        title_en=OLD["en"],
    )


def _retitle(session, product) -> None:
    """The maker renames the piece and themself after the sale."""
    for lang, text in NEW.items():
        setattr(product, f"title_{lang}", text)
    product.artisan.name, product.artisan.name_ar = "Someone Else", "شخص آخر"
    session.commit()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _online_order(session, piece, locale="fr"):
    order = create_order(
        session,
        channel=Channel.ONLINE,
        lines=[(piece.id, 1)],
        customer_email="buyer@example.com",
        locale=locale,
    )
    mark_paid(session, order, payment_method="test", payment_reference=None)
    return order


def test_the_line_snapshots_every_title_and_both_scripts_of_the_name(session, piece):
    order = _online_order(session, piece, locale="en")
    [line] = order.lines
    assert (line.title, line.title_ar, line.title_fr, line.title_en) == (
        OLD["en"],
        OLD["ar"],
        OLD["fr"],
        OLD["en"],
    )
    assert (line.artisan_name, line.artisan_name_ar, line.source_lang) == (
        "Fatima Potter",
        "فاطمة الفخارية",
        "ar",
    )


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_order_page_shows_the_old_title_in_the_viewers_language(client, session, piece, lang):
    order = _online_order(session, piece)
    _retitle(session, piece)
    page = _text(client.get(f"/orders/{order.token}?lang={lang}").get_data(as_text=True))
    assert OLD[lang] in page and MAKER[lang] in page
    assert not any(title in page for title in NEW.values()) and "Someone Else" not in page
    others = [OLD[other] for other in OLD if OLD[other] != OLD[lang]]
    assert not any(title in page for title in others)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_showroom_receipt_reprints_the_old_title_in_each_language(
    client, session, login, piece, lang
):
    staff = make_user(session, role="staff")
    rs = make_register_session(session, user=staff)
    order = make_counter_sale(session, rs, [piece], staff=staff)
    _retitle(session, piece)
    login(staff)
    page = _text(client.get(f"/staff/receipts/{order.number}?in={lang}").get_data(as_text=True))
    assert OLD[lang] in page and MAKER[lang] in page
    assert not any(title in page for title in NEW.values())


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_mail_receipt_is_in_the_orders_language_with_the_old_title(session, piece, lang):
    order = _online_order(session, piece, locale=lang)
    messages = queue_order_emails(session, order)
    _retitle(session, piece)
    receipt = next(m for m in messages if m.kind == MessageKind.RECEIPT)
    body = render_message(receipt)[1]
    assert f"- {OLD[lang]} ({MAKER[lang]}," in body
    assert not any(title in body for title in NEW.values())


def test_a_language_the_piece_lacked_falls_back_to_its_makers_own(client, session):
    maker = make_artisan(session, name="Aicha", name_ar=None)
    rug = make_product(
        session, artisan=maker, source_lang="fr", title_ar=None, title_fr="Tapis", title_en=None
    )
    order = _online_order(session, rug, locale="fr")
    session.commit()
    [line] = order.lines
    assert (line.title_in("en"), line.title_in("ar"), line.maker_in("ar")) == (
        "Tapis",
        "Tapis",
        "Aicha",
    )
    page = _text(client.get(f"/orders/{order.token}?lang=ar").get_data(as_text=True))
    assert "Tapis" in page and "Aicha" in page


def test_artisan_sales_page_and_csv_follow_the_viewers_language(client, session, login, piece):
    user = make_user(session, role="artisan", artisan_id=piece.artisan_id)
    _online_order(session, piece)
    _retitle(session, piece)
    login(user)
    for lang in ("ar", "fr", "en"):
        page = _text(client.get(f"/dashboard/sales?lang={lang}").get_data(as_text=True))
        assert OLD[lang] in page and NEW[lang] not in page
        csv_body = client.get(f"/dashboard/sales.csv?lang={lang}").get_data(as_text=True)
        assert OLD[lang] in csv_body and NEW[lang] not in csv_body
    assert [r.title for r in sales_for_artisan(session, piece.artisan_id, lang="ar")] == [OLD["ar"]]


def test_reconciliation_names_the_maker_in_the_viewers_script(client, session, login, piece):
    staff = make_user(session, role="staff")
    rs = make_register_session(session, user=staff)
    make_counter_sale(session, rs, [piece], staff=staff)
    _retitle(session, piece)
    login(staff)
    day = local_date().isoformat()
    for lang in ("ar", "fr"):
        page = _text(client.get(f"/staff/reconciliation/{day}?lang={lang}").get_data(as_text=True))
        assert MAKER[lang] in page and "Someone Else" not in page and "شخص آخر" not in page
        body = client.get(f"/staff/reconciliation/{day}.csv?lang={lang}").get_data(as_text=True)
        assert MAKER[lang] in body
