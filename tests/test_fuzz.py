"""Hostile input on every route, for every kind of visitor: whatever is sent, never a 5xx.

For each role, the test first opens every page to learn the query parameters its links and
forms use and the fields of each form (keyed by the route the form posts to). Then, route by
route, Hypothesis draws a fixed number of requests: each URL parameter, query parameter and form
field is left out, sent once or sent repeatedly, with values from HOSTILE (unicode digits, NUL
and other control characters, numbers past 32 and 64 bits, negative numbers, dates at years 1
and 9999, 10 KB strings) or drawn numbers and text. Derandomized: every run sends the same
requests, and the count is printed (run with -s) and checked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from flask import request_started
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from storefront.orders import services as orders
from storefront.orders.models import Channel
from tests.factories import make_artisan, make_product, make_user
from tests.showroom.factories import make_counter_sale, make_register_session

ROLES = ("anonymous", "artisan", "staff", "admin")
EXAMPLES_PER_ROUTE = 10

HOSTILE = [
    "²",
    "①",
    "١٢",
    "٣-٠١-٢٠٢٥",
    "0",
    "-1",
    "-0",
    "+7",
    "1_000",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "9" * 20,
    "9" * 400,
    "0" * 5000 + "1",
    "999999999.99",
    "99999999999.99",
    "1e309",
    "NaN",
    "-0.01",
    "0001-01-01",
    "9999-12-31",
    "0000-05",
    "9999-12",
    "2025-02-30",
    "\u202egnp.exe",
    "\ufeff",
    "x" * 10_240,
    "",
    " ",
    "%00",
    "../../etc/passwd",
    "//evil.example",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "true",
    "null",
    "[]",
    "مرحبا",
    "🏺",
]
# Faults known to this test and left to another branch: (method, endpoint) -> why.
# Refused with a 400 before any view runs (storefront.inputs): put in one request in ten, so
# the others reach the views.
CONTROL = ["\x00", "a\x00b", "\x1b[2J", "\r\nSet-Cookie: x=1", "\t", "\x7f", "\x08"]
# Query parameters every route is tried with, besides those its pages use (DESIGN.md).
KNOWN_QUERY = (
    *("q", "craft", "shop", "min_price", "max_price", "sort", "page", "available", "lang"),
    *("next", "month", "register", "artisan", "from", "to", "new"),
)
# Digits str.isdigit() accepts: superscript and circled (which int() refuses), Arabic-Indic,
# Devanagari and fullwidth (which int() takes).
DIGIT_SETS = ("⁰¹²³⁴⁵⁶⁷⁸⁹", "⓪①②③④⑤⑥⑦⑧⑨", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "０１２３４５６７８９")
unicode_numbers = st.builds(
    lambda n, digits: str(n).translate(str.maketrans("0123456789", digits)),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(DIGIT_SETS),
)
values = st.one_of(
    unicode_numbers,
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
)
# A field is left out (None), sent once, or sent two or three times.
field_value = st.one_of(st.none(), values, st.lists(values, min_size=2, max_size=3))

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
FIELD = re.compile(r"<(?:input|select|textarea|button)\b[^>]*?\bname=\"([^\"]+)\"", re.I)
LINK = re.compile(r'href="([^"]*\?[^"]*)"')


@pytest.fixture
def world(session):
    """One of everything a route can name: pieces, an order, a showroom sale, users per role."""
    maker = make_artisan(session, slug="maker-a")
    piece = make_product(session, artisan=maker, slug="piece-a", stock=50)
    spare_piece = make_product(session, artisan=maker, slug="piece-b", stock=50)
    from storefront.catalog.models import ProductImage

    piece.images.append(ProductImage(key="k", width=10, height=10, widths="10"))
    users = {
        "artisan": make_user(session, role="artisan", artisan_id=maker.id),
        "staff": make_user(session, role="staff"),
        "admin": make_user(session, role="admin"),
    }
    spare = make_user(session, role="staff")
    online = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    orders.mark_paid(session, online, payment_method="test", payment_reference=None)
    pending = orders.create_order(session, channel=Channel.ONLINE, lines=[(spare_piece.id, 1)])
    register = make_register_session(session, user=users["staff"])
    sale = make_counter_sale(session, register, [spare_piece], staff=users["staff"])
    session.commit()
    return {
        "users": users,
        "args": {
            "product_id": piece.id,
            "image_id": piece.images[0].id,
            "artisan_id": maker.id,
            "user_id": spare.id,
            "line_id": online.lines[0].id,
            "session_id": register.id,
            "register": 1,
            "slug": "piece-a",
            "day": register.business_date.isoformat(),
            "filename": "k.jpg",
        },
        "shop_number": maker.shop.number,
        "order": online,
        "pending": pending,
        "sale": sale,
        "piece": piece,
    }


def _concrete(rule, world) -> dict[str, str]:
    """Good values for a rule's URL parameters, so the other inputs reach the view."""
    values = dict(world["args"])
    if rule.endpoint.startswith("showroom."):
        values["number"] = world["sale"].number
    elif rule.endpoint.startswith("checkout."):
        values["token"] = world["pending"].token
    else:
        values["number"] = world["shop_number"]
        values["token"] = world["order"].token
    return {name: str(values.get(name, 1)) for name in rule.arguments}


def _path(rule, args: dict[str, str]) -> str:
    path = rule.rule
    for name, value in args.items():
        path = re.sub(rf"<(?:[\w()=, ]+:)?{name}>", quote(value, safe=""), path)
    return path


def _endpoint(app, path: str, method: str) -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(path).path, method=method)
    except HTTPException:
        return None
    return endpoint


def _learn(app, path: str, html: str, query: set[str], fields: dict[str, set[str]]) -> None:
    """Collect the query names of a page's links and GET forms, and each POST form's fields."""
    for href in LINK.findall(html):
        query.update(name for name, _ in parse_qsl(urlsplit(href.replace("&amp;", "&")).query))
    for attrs, body in FORM.findall(html):
        attr = dict(ATTR.findall(attrs))
        names = set(FIELD.findall(body)) - {"csrf_token"}
        if attr.get("method", "get").lower() != "post":
            query.update(names)
            continue
        endpoint = _endpoint(app, attr.get("action", path).replace("&amp;", "&") or path, "POST")
        if endpoint:
            fields[endpoint].update(names)


def _sign_in(client, session, world, role: str) -> None:
    with client.session_transaction() as flask_session:
        flask_session.clear()
        if role != "anonymous":
            # Expired first: a fuzzed logout moves the user's session version.
            session.expire_all()
            flask_session["_user_id"] = world["users"][role].get_id()
            flask_session["_fresh"] = True


def _prepare(client, world) -> None:
    """Fill the cart and the till's basket, so the forms that need them appear."""
    piece = world["piece"].id
    client.post("/cart/add", data={"product_id": piece, "quantity": "1"})
    client.post(f"/staff/pos/add/{piece}")


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_input_gives_a_server_error(app, client, session, world, role):
    """Every route and method, EXAMPLES_PER_ROUTE drawn requests each; all 5xx reported at once."""
    sent: list[str] = []
    request_started.connect(lambda sender, **extra: sent.append(sender.name), app, weak=False)
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
    )
    query: set[str] = set(KNOWN_QUERY)
    fields: dict[str, set[str]] = defaultdict(set)
    _sign_in(client, session, world, role)
    _prepare(client, world)
    for rule in rules:
        if "GET" in rule.methods:
            path = _path(rule, _concrete(rule, world))
            page = client.get(path)
            if page.mimetype == "text/html":
                _learn(app, path, page.get_data(as_text=True), query, fields)
    query_names = sorted(query)
    problems: list[str] = []

    for rule in rules:
        good = _concrete(rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            form_names = sorted(fields[rule.endpoint]) if method == "POST" else []
            _sign_in(client, session, world, role)
            token = client._fetch_token() if method == "POST" else ""
            _fuzz_route(client, rule, method, good, query_names, form_names, token, problems)

    print(f"\n{role}: {len(sent)} requests")
    assert len(sent) > len(rules) * EXAMPLES_PER_ROUTE
    assert not problems, "\n".join(sorted(set(problems)))


def _fuzz_route(client, rule, method, good, query_names, form_names, token, problems) -> None:
    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one_request(data):
        # A URL parameter is hostile one time in four, so most requests reach the view.
        args = {
            name: (data.draw(values) if data.draw(st.integers(0, 3)) == 0 else value)
            for name, value in good.items()
        }
        picked = data.draw(st.lists(st.sampled_from(query_names), max_size=4, unique=True))
        query = MultiDict(_pairs(data, picked))
        # The session's own CSRF token, so the request gets past CSRF to the view.
        form = MultiDict([*_pairs(data, form_names), ("csrf_token", token)]) if token else None
        if data.draw(st.integers(0, 9)) == 0:
            target = form if form is not None and form_names else query
            name = data.draw(st.sampled_from([*form_names, *query_names]))
            target.add(name, data.draw(st.sampled_from(CONTROL)))
        response = client.open(_path(rule, args), method=method, query_string=query, data=form)
        if response.status_code >= 500:
            shown = {k: v[:40] for k, v in (form or {}).items()}
            problems.append(
                f"{method} {rule.rule} {response.status_code}: args={args} "
                f"query={dict(query)} form={shown}"
            )

    one_request()


def _pairs(data, names) -> list[tuple[str, str]]:
    pairs = []
    for name in names:
        value = data.draw(field_value)
        for one in [] if value is None else value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    return pairs
