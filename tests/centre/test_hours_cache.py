"""The footer's hours under the page cache: read once per catalog version, and a change made
by another process shows on every page within the cache's staleness bound."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storefront.extensions import db
from tests.centre.test_pages import _text
from tests.factories import make_product


@pytest.fixture
def clock(app):
    """The page cache's clock, in seconds, moved by the test."""
    now = [1000.0]
    known = app.extensions["catalog_version"]
    known.clock = lambda: now[0]
    known.expire()
    return now


def test_pages_rendered_for_the_cache_read_the_hours_once(client, session, count_queries, clock):
    for n in range(3):
        make_product(session, slug=f"jar-{n}")
    session.commit()
    hours_reads = []
    for n in range(3):
        with count_queries() as statements:
            assert client.get(f"/products/jar-{n}?lang=en").status_code == 200
        hours_reads.append(sum("centre_hours" in sql for sql in statements))
    assert hours_reads == [1, 0, 0]


def test_hours_changed_by_another_process_show_within_the_bound(client, session, clock):
    make_product(session, slug="jar")
    session.commit()
    assert "Sunday, 10:00 AM" in _text(client.get("/products/jar?lang=en").get_data(as_text=True))
    # As another app server saving /admin/hours commits: the row and a catalog change.
    with db.engine.begin() as other:
        other.execute(text("INSERT INTO centre_hours (weekday) VALUES (7)"))
        other.execute(text("INSERT INTO catalog_changes (product_id) VALUES (NULL)"))
    clock[0] += 0.25
    assert "Sunday, 10:00 AM" in _text(client.get("/products/jar?lang=en").get_data(as_text=True))
    clock[0] += 0.001
    assert "Sunday, closed" in _text(client.get("/products/jar?lang=en").get_data(as_text=True))
    assert "Sunday, closed" in _text(client.get("/terms?lang=en").get_data(as_text=True))
