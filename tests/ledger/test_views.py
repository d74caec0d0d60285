"""The payout run, the receipt, the bank file, and the artisan's balance and statements, by HTTP."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront.ledger.balances import balance_of
from storefront.ledger.models import Payout
from storefront.ledger.rib import rib_key
from storefront.mail.models import OutboxMessage
from storefront.money import format_money
from storefront.orders.models import Channel
from storefront.timeutil import local_date, utcnow
from tests.factories import make_artisan, make_product, make_user
from tests.ledger.helpers import WINDOWS, paid_order

RIB = "0117800000123456789012" + rib_key("0117800000123456789012")


def mad(minor: int, lang: str = "en") -> str:
    """An amount as the pages show it (the |money filter's formatter)."""
    return format_money(minor, lang)


@pytest.fixture
def centre(session):
    maker = make_artisan(session, name="Fatima Ait Lahcen", name_ar="فاطمة آيت لحسن", rib=RIB)
    other = make_artisan(session, name="Brahim Ouali")
    for who, price in ((maker, 50000), (other, 20000)):
        product = make_product(session, artisan=who, price_minor=price)
        paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(days=8))
    fresh = make_product(session, artisan=maker, price_minor=10000)
    paid_order(session, fresh, channel=Channel.SHOWROOM)  # still pending
    manager = make_user(session, role="admin")
    artisan_user = make_user(session, role="artisan", artisan_id=maker.id, locale="ar")
    other_user = make_user(session, role="artisan", artisan_id=other.id, locale="fr")
    session.commit()
    return dict(maker=maker, other=other, manager=manager, user=artisan_user, other_user=other_user)


def _run_form(page: str) -> dict:
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    return {"form_key": key}


def test_the_run_lists_artisans_above_the_minimum(client, login, centre):
    login(centre["manager"])
    page = client.get("/admin/payouts?lang=en").get_data(as_text=True)
    assert "Fatima Ait Lahcen" in page and "Brahim Ouali" in page
    assert mad(45000) in page  # 500 less 10 % commission; the fresh sale is pending
    page = client.get("/admin/payouts?lang=en&minimum=200").get_data(as_text=True)
    assert "Fatima Ait Lahcen" in page and "Brahim Ouali" not in page  # 180.00 < 200
    assert client.get("/admin/payouts?minimum=lots").status_code == 400


def test_a_cash_payout_from_the_run_prints_a_receipt_and_mails_the_artisan(
    client, login, centre, session
):
    login(centre["manager"])
    page = client.get("/admin/payouts?lang=en&minimum=200").get_data(as_text=True)
    form = _run_form(page) | {
        "rows-0-artisan_id": str(centre["maker"].id),
        "rows-0-pay": "y",
        "rows-0-amount": "300",
        "rows-0-method": "cash",
        "rows-0-bank_reference": "",
    }
    response = client.post("/admin/payouts?lang=en", data=form)
    assert response.status_code == 303
    again = client.post("/admin/payouts?lang=en", data=form)  # the same form twice
    assert again.status_code == 303 and again.location == response.location
    assert session.scalar(select(func.count()).select_from(Payout)) == 1
    split = balance_of(session, centre["maker"].id, WINDOWS)
    assert (split.available, split.pending, split.paid) == (15000, 9000, 30000)
    payout = session.scalar(select(Payout))
    batch_page = client.get(response.location).get_data(as_text=True)
    assert payout.reference in batch_page and mad(30000) in batch_page
    receipt = client.get(f"/admin/payouts/{payout.id}/receipt").get_data(as_text=True)
    assert 'lang="ar"' in receipt and 'lang="fr"' in receipt
    assert "signature" in receipt.lower() and "فاطمة آيت لحسن" in receipt
    to_artisan = OutboxMessage.to_address == centre["user"].email
    mail = session.scalar(select(OutboxMessage).where(to_artisan))
    assert payout.reference in mail.subject and mad(30000, "ar") in mail.body


def test_paying_more_than_available_is_refused_and_nothing_is_recorded(
    client, login, centre, session
):
    login(centre["manager"])
    page = client.get("/admin/payouts").get_data(as_text=True)
    form = _run_form(page) | {
        "rows-0-artisan_id": str(centre["maker"].id),
        "rows-0-pay": "y",
        "rows-0-amount": "450.01",
        "rows-0-method": "cash",
    }
    response = client.post("/admin/payouts?lang=en", data=form)
    assert response.status_code == 409
    assert "less available" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Payout)) == 0


def test_a_transfer_run_exports_the_bank_file_and_a_return_reverses_it(
    client, login, centre, session
):
    login(centre["manager"])
    page = client.get("/admin/payouts").get_data(as_text=True)
    form = _run_form(page) | {
        "rows-0-artisan_id": str(centre["maker"].id),
        "rows-0-pay": "y",
        "rows-0-amount": "450",
        "rows-0-method": "transfer",
        "rows-1-artisan_id": str(centre["other"].id),
        "rows-1-amount": "180",
        "rows-1-method": "cash",
    }
    response = client.post("/admin/payouts", data=form)
    assert response.status_code == 303
    payout = session.scalar(select(Payout))
    batch = payout.batch_id
    exported = client.get(f"/admin/payouts/batches/{batch}.csv")
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["beneficiary", "rib", "amount_mad", "reference"],
        ["Fatima Ait Lahcen", RIB, "450.00", payout.reference],
    ]
    client.get(f"/admin/payouts/batches/{batch}")
    back = client.post(f"/admin/payouts/{payout.id}/return", data={"reason": "account closed"})
    assert back.status_code == 303
    assert balance_of(session, centre["maker"].id, WINDOWS).available == 45000
    twice = client.post(f"/admin/payouts/{payout.id}/return", data={"reason": "again"})
    assert twice.status_code == 409


def test_a_transfer_to_an_artisan_without_rib_is_refused(client, login, centre, session):
    login(centre["manager"])
    page = client.get("/admin/payouts").get_data(as_text=True)
    form = _run_form(page) | {
        "rows-0-artisan_id": str(centre["other"].id),
        "rows-0-pay": "y",
        "rows-0-amount": "100",
        "rows-0-method": "transfer",
    }
    assert client.post("/admin/payouts", data=form).status_code == 422
    assert session.scalar(select(func.count()).select_from(Payout)) == 0


def test_a_bad_rib_is_refused_on_the_artisan_form(client, login, centre, session):
    login(centre["manager"])
    page = client.get(f"/admin/artisans/{centre['other'].id}?lang=en")
    assert page.status_code == 200
    data = {
        "name": "Brahim Ouali",
        "shop_number": str(centre["other"].shop.number),
        "active": "y",
        "rib": RIB[:-1] + ("0" if RIB[-1] != "0" else "1"),
    }
    refused = client.post(f"/admin/artisans/{centre['other'].id}?lang=en", data=data)
    assert refused.status_code == 422 and "its key" in refused.get_data(as_text=True)
    data["rib"] = f"{RIB[:3]} {RIB[3:6]} {RIB[6:22]} {RIB[22:]}"
    assert client.post(f"/admin/artisans/{centre['other'].id}", data=data).status_code == 302
    session.expire_all()
    assert centre["other"].rib == RIB


def test_the_artisan_sees_their_money_and_statement(client, login, centre, session):
    login(centre["user"])
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert f'data-balance="available">{mad(45000)}<' in page
    assert f'data-balance="pending">{mad(9000)}<' in page
    month = local_date().strftime("%Y-%m")
    listing = client.get("/dashboard/statements?lang=en").get_data(as_text=True)
    assert f"/dashboard/statements/{month}" in listing
    statement = client.get(f"/dashboard/statements/{month}?lang=en").get_data(as_text=True)
    assert "Opening balance" in statement and mad(54000) in statement
    pdf = client.get(f"/dashboard/statements/{month}.pdf?lang=ar")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert client.get("/dashboard/statements/2025-13").status_code == 400


def test_an_artisan_never_sees_anothers_money(client, login, centre):
    login(centre["other_user"])
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert f'data-balance="available">{mad(18000)}<' in page
    assert mad(45000) not in page
    assert client.get("/admin/payouts").status_code in (302, 403, 404)
