"""Every route, for every kind of visitor: who may open it (server-side, per role)."""

from __future__ import annotations

import re

import pytest

from storefront.orders import services as orders
from storefront.orders.models import Channel
from tests.factories import make_artisan, make_product, make_user

# Prefix rules, first match wins: (prefix, roles allowed). Everything else is public.
RULES = [
    ("/dashboard", {"artisan"}),
    ("/admin/listings", {"staff", "admin"}),
    ("/admin/shipping", {"staff", "admin"}),
    ("/admin/invitations", {"staff", "admin"}),
    ("/admin/", {"staff", "admin"}),
    ("/admin", {"admin"}),
    ("/staff", {"staff", "admin"}),
]
ADMIN_ONLY = (
    "/admin/artisans",
    "/admin/users",
    "/admin/attention",
    "/admin/audit",
    "/admin/payouts",
    "/admin/reports",
    "/admin/carriers",
    "/admin/hours",
)
# Showroom steps only a manager may take.
MANAGER_ACTIONS = ("/sign-off", "/adjustments")
VISITORS = ("anonymous", "artisan_a", "artisan_b", "staff", "admin")


def allowed(path: str) -> set[str] | None:
    """Roles that may use a path, or None when it is public."""
    if path.startswith(ADMIN_ONLY) or path.endswith(MANAGER_ACTIONS):
        return {"admin"}
    for prefix, roles in RULES:
        if path.startswith(prefix):
            return roles
    return None


@pytest.fixture
def world(session):
    a = make_artisan(session, slug="maker-a")
    b = make_artisan(session, slug="maker-b")
    piece = make_product(session, artisan=a, slug="piece-a")
    from storefront.catalog.models import ProductImage

    piece.images.append(ProductImage(key="k", width=10, height=10, widths="10"))
    users = {
        "artisan_a": make_user(session, role="artisan", artisan_id=a.id),
        "artisan_b": make_user(session, role="artisan", artisan_id=b.id),
        "staff": make_user(session, role="staff"),
        "admin": make_user(session, role="admin"),
    }
    spare = make_user(session, role="staff")
    order = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    session.commit()
    return {
        "users": users,
        "spare": spare,
        "product": piece,
        "image": piece.images[0],
        "artisan": a,
        "line": order.lines[0],
    }


def _concrete(rule, world) -> str:
    values = {
        "product_id": world["product"].id,
        "image_id": world["image"].id,
        "artisan_id": world["artisan"].id,
        "user_id": world["spare"].id,
        "line_id": world["line"].id,
        "number": world["artisan"].shop.number,
        "slug": "piece-a",
    }
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values.get(name, 1)), path)
    return path


OWNED = {"product_id", "image_id", "line_id"}


def _verdict(visitor, roles, rule, method, response) -> str | None:
    """What is wrong with one answer, or None."""
    code = response.status_code
    if roles is None or _role(visitor) in roles:
        if code in (401, 403) or code >= 500:
            return f"{code}, expected to be let in"
        owned = rule.rule.startswith("/dashboard/") and rule.arguments & OWNED
        if visitor == "artisan_b" and owned and code != 404:
            return f"{code}, expected 404 for artisan A's object"
        return None
    if visitor == "anonymous":
        to_login = code == 302 and "/login" in response.headers.get("Location", "")
        return None if (to_login if method == "GET" else code == 401) else f"{code}, not refused"
    return None if code == 403 else f"{code}, expected 403"


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_route_answers_each_visitor_as_the_rules_say(app, client, world, login, visitor):
    """Every method of every route, public ones included; all problems reported at once."""
    problems, checked = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        path = _concrete(rule, world)
        roles = allowed(path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            with client.session_transaction() as flask_session:
                flask_session.clear()
            if visitor != "anonymous":
                login(world["users"][visitor])
            response = client.open(path, method=method)
            problem = _verdict(visitor, roles, rule, method, response)
            if problem:
                problems.append(f"{method} {path}: {problem}")
            checked += 1
    assert checked > 60
    assert not problems, "\n".join(problems)


def _role(visitor: str) -> str:
    return "artisan" if visitor.startswith("artisan") else visitor


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/dashboard/listings/{product}"),
        ("POST", "/dashboard/listings/{product}"),
        ("POST", "/dashboard/listings/{product}/photos"),
        ("POST", "/dashboard/listings/{product}/submit"),
        ("POST", "/dashboard/listings/{product}/archive"),
        ("POST", "/dashboard/photos/{image}/delete"),
        ("POST", "/dashboard/photos/{image}/move"),
        ("POST", "/dashboard/photos/{image}/alt"),
    ],
)
def test_an_artisan_cannot_reach_another_artisans_piece_or_photo(
    client, world, login, session, method, path
):
    login(world["users"]["artisan_b"])
    url = path.format(product=world["product"].id, image=world["image"].id)
    response = client.open(url, method=method, data={"step": "up", "alt": "x"})
    assert response.status_code == 404
    session.expire_all()
    assert world["product"].status == "active"
    assert world["image"].alt is None
    assert len(world["product"].images) == 1


def test_public_pages_stay_open_to_everyone(client, world):
    for path in (
        "/",
        "/products",
        "/products/piece-a",
        "/zone",
        "/cart",
        "/login",
        "/visit",
        "/centre",
    ):
        assert client.get(path).status_code == 200, path
