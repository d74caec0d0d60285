"""Two app servers of one shop (one database, one Redis), as the README deploys N of them.

A piece whose last one a buyer holds through one server shows "Reserved" on the other, whose
page cache had the piece for sale, within the staleness bound of the catalog version
(PAGE_CACHE_MAX_STALE_MS, 250 ms; the exact bound is tested in tests/test_pagecache.py with a
clock of the test's). Sign-in
failures counted on one server count on the other: the limits live in Redis.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from .shop import free_port, gunicorn
from .test_sign_in import ARTISAN, PASSWORD, PER_ADDRESS_AND_ACCOUNT, _sign_in
from .web import Visitor

# Far above the 250 ms bound: only a server that never sees the change misses it.
SHOWN_WITHIN_SECONDS = 10


@pytest.fixture(scope="module")
def other_server(deployed) -> Iterator[str]:
    """A second gunicorn of the same shop, on a port of its own."""
    with gunicorn(deployed, port=free_port(), log=deployed.work / "gunicorn-2.log") as url:
        yield url


def _first_page_showing(visitor: Visitor, path: str, words: str) -> tuple[float, str]:
    """Seconds until `path` shows `words`, polling (a condition with a deadline)."""
    start = time.monotonic()
    while True:
        page = visitor.get(path)
        assert page.status == 200, page.status
        waited = time.monotonic() - start
        if page.shows(words) or waited > SHOWN_WITHIN_SECONDS:
            return waited, page.text
        time.sleep(0.05)  # polling interval of a condition with a deadline, not a fixed wait


def test_a_piece_held_through_one_server_shows_reserved_on_the_other(deployed, other_server):
    piece = deployed.piece(stock=1)
    assert piece["stock"] <= 20, piece  # one cart line can take it all
    path = f"/products/{piece['slug']}?lang=en"
    browser = Visitor(other_server)
    for _ in range(2):  # the second view comes from the other server's page cache
        page = browser.get(path)
        assert page.status == 200 and page.shows("Add to cart") and not page.shows("Sold out")

    buyer = Visitor(deployed.url)
    page = buyer.get(path)
    added = buyer.submit(page, page.form(css="add-to-cart"), quantity=str(piece["stock"]))
    assert added.status == 200 and added.history[0][0] == 303
    form_page = buyer.get("/checkout")
    sent = buyer.submit(
        form_page,
        form_page.form(action="/checkout"),
        email="two.servers@example.com",
        name="Samir Idrissi",
        delivery="pickup",
        follow=False,
    )
    assert sent.status == 303, (sent.status, sent.text[:300])  # the order holds all the stock

    # Held by the buyer's unpaid order: "Reserved" for everyone else, not "Sold out".
    waited, text = _first_page_showing(browser, path, "Reserved")
    assert "Reserved" in text, f"the other server still offers the piece after {waited:.1f} s"
    assert "Add to cart" not in text


def test_sign_in_failures_on_one_server_count_on_the_other(deployed, other_server):
    address = "203.0.113.201"
    first = Visitor(deployed.url, address=address)
    for attempt in range(PER_ADDRESS_AND_ACCOUNT):
        server = first if attempt % 2 else Visitor(other_server, address=address)
        answer = _sign_in(server, ARTISAN, f"guess {attempt}")
        assert answer.status == 422, (attempt, answer.status)
    for url in (deployed.url, other_server):
        blocked = _sign_in(Visitor(url, address=address), ARTISAN, PASSWORD)
        assert blocked.status == 429, (url, blocked.status)
