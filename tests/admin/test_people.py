"""Managers add and edit artisans and change roles; every change is audited."""

from __future__ import annotations

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
    data = _artisan_form(artisan.shop.number, name="Brahim Oufkir", commission_bps="0")
    assert client.post(f"/admin/artisans/{artisan.id}", data=data).status_code == 302
    session.expire_all()
    assert artisan.commission_bps == 0
    assert "Coffret" in client.get("/products?q=oufkir&lang=fr").get_data(as_text=True)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "artisan.update"))
    assert (entry.data["before"]["commission_bps"], entry.data["after"]["commission_bps"]) == (
        1500,
        0,
    )
    data["commission_bps"] = ""
    client.post(f"/admin/artisans/{artisan.id}", data=data)
    session.expire_all()
    assert artisan.commission_bps is None


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
    session.expire_all()
    assert (desk.role, maker.role) == ("admin", "artisan")
    changes = session.scalars(select(AuditLog).where(AuditLog.action == "user.role")).all()
    assert [(c.data["before"], c.data["after"]) for c in changes] == [
        ("staff", "admin"),
        ("admin", "staff"),
    ]
