"""Managers add and edit artisans and change roles; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.artisans.models import Artisan
from storefront.audit import AuditLog
from tests.factories import make_artisan, make_product, make_shop, make_user


def _artisan_form(shop_number: int, **overrides) -> dict:
    data = {"name": "Aicha Ben Ali", "shop_number": shop_number, "active": "y"}
    data.update(overrides)
    return data


def test_manager_adds_an_artisan_who_can_then_be_invited(client, session, login):
    login(make_user(session, role="admin"))
    shop = make_shop(session)
    make_artisan(session, slug="aicha-ben-ali")
    session.commit()
    response = client.post("/admin/artisans/new", data=_artisan_form(shop.number))
    assert response.status_code == 302
    artisan = session.scalar(select(Artisan).where(Artisan.slug == "aicha-ben-ali-2"))
    assert (artisan.shop_id, artisan.craft_id, artisan.active) == (shop.id, shop.craft_id, True)
    assert artisan.commission_bps is None
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "artisan.create"))
    assert entry.object_id == artisan.id and entry.data["after"]["shop"] == shop.number
    assert "Aicha Ben Ali" in client.get("/admin/invitations").get_data(as_text=True)


def test_a_waived_commission_stays_zero_and_a_new_name_is_searchable(client, session, login):
    login(make_user(session, role="admin"))
    artisan = make_artisan(session, name="Old Name", commission_bps=1500)
    make_product(session, artisan=artisan, title_fr="Coffret")
    session.commit()
    data = _artisan_form(artisan.shop.number, name="Brahim Oufkir", commission="0")
    assert client.post(f"/admin/artisans/{artisan.id}", data=data).status_code == 302
    session.expire_all()
    assert artisan.commission_bps == 0
    assert "Coffret" in client.get("/products?q=oufkir&lang=fr").get_data(as_text=True)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "artisan.update"))
    assert (entry.data["before"]["commission_bps"], entry.data["after"]["commission_bps"]) == (
        1500,
        0,
    )
    data["commission"] = ""
    client.post(f"/admin/artisans/{artisan.id}", data=data)
    session.expire_all()
    assert artisan.commission_bps is None


def test_a_maker_who_moves_shop_is_found_by_the_new_shop_number(client, session, login):
    login(make_user(session, role="admin"))
    artisan = make_artisan(session, name="Brahim Oufkir")
    make_product(session, artisan=artisan, title_fr="Coffret")
    new_shop = make_shop(session)
    session.commit()
    data = _artisan_form(new_shop.number, name="Brahim Oufkir")
    assert client.post(f"/admin/artisans/{artisan.id}", data=data).status_code == 302
    html = client.get(f"/products?q=boutique+{new_shop.number}&lang=fr").get_data(as_text=True)
    assert "Coffret" in html


def test_managers_change_roles_and_one_manager_always_remains(client, session, login):
    boss = make_user(session, role="admin")
    desk = make_user(session, role="staff")
    maker = make_user(session, role="artisan", artisan_id=make_artisan(session).id)
    session.commit()
    login(desk)
    assert client.post(f"/admin/users/{desk.id}/role", data={"role": "admin"}).status_code == 403
    login(boss)
    assert client.post(f"/admin/users/{desk.id}/role", data={"role": "admin"}).status_code == 302
    session.expire_all()
    assert desk.role == "admin"
    client.post(f"/admin/users/{boss.id}/role", data={"role": "staff"})
    session.expire_all()
    assert boss.role == "staff"
    login(desk)
    last = client.post(f"/admin/users/{desk.id}/role?lang=en", data={"role": "staff"})
    assert last.status_code == 409
    assert "at least one manager" in last.get_data(as_text=True)
    assert client.post(f"/admin/users/{maker.id}/role", data={"role": "admin"}).status_code == 422
    odd = client.post(f"/admin/users/{desk.id}/role?lang=en", data={"role": "artisan"})
    assert odd.status_code == 422
    assert "Only staff and managers can change role." in odd.get_data(as_text=True)
    session.expire_all()
    assert (desk.role, maker.role) == ("admin", "artisan")
    changes = session.scalars(select(AuditLog).where(AuditLog.action == "user.role")).all()
    assert [(c.data["before"], c.data["after"]) for c in changes] == [
        ("staff", "admin"),
        ("admin", "staff"),
    ]


@pytest.mark.parametrize(
    ("typed", "bps", "shown"),
    [("12", 1200, "12"), ("12,5", 1250, "12,5"), ("12.5", 1250, "12,5"), ("7,25", 725, "7,25"),
     ("100", 10000, "100"), ("0,5 %", 50, "0,5")],
)  # fmt: skip
def test_commission_is_typed_and_shown_in_percent(client, session, login, typed, bps, shown):
    login(make_user(session, role="admin"))
    artisan = make_artisan(session)
    session.commit()
    data = _artisan_form(artisan.shop.number, commission=typed)
    assert client.post(f"/admin/artisans/{artisan.id}?lang=fr", data=data).status_code == 302
    session.expire_all()
    assert artisan.commission_bps == bps
    form = client.get(f"/admin/artisans/{artisan.id}?lang=fr").get_data(as_text=True)
    assert f'name="commission" type="text" value="{shown}"' in form
    listing = client.get("/admin/artisans?lang=fr").get_data(as_text=True)
    assert f"{shown}\u00a0%" in listing


@pytest.mark.parametrize("typed", ["abc", "101", "12,555", "-5", "1e3"])
def test_an_unreadable_commission_is_refused_and_kept(client, session, login, typed):
    login(make_user(session, role="admin"))
    artisan = make_artisan(session, commission_bps=1500)
    session.commit()
    data = _artisan_form(artisan.shop.number, commission=typed)
    response = client.post(f"/admin/artisans/{artisan.id}?lang=en", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a percentage from 0 to 100" in page and f'value="{typed}"' in page
    session.expire_all()
    assert artisan.commission_bps == 1500


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_back_office_home_links_to_every_desk_of_the_role(client, session, login, role):
    login(make_user(session, role=role))
    session.commit()
    page = client.get("/admin/?lang=en").get_data(as_text=True)
    for href in ('href="/admin/listings"', 'href="/staff/"', 'href="/admin/shipping"'):
        assert href in page, href
    assert ('href="/admin/artisans"' in page) is (role == "admin")
