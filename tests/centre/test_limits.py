"""The contact form is rate-limited per address, in Redis as deployed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.mail.models import OutboxMessage
from tests.centre.test_pages import CONTACT


@pytest.fixture
def app_config(app_config, limits):
    return {**app_config, **limits.config, "CONTACT_RATE_LIMIT": "3 per hour"}


def test_a_fourth_message_within_the_hour_waits(client, session, limits):
    client.get("/contact")
    for _ in range(3):
        sent = client.post("/contact", data=CONTACT, environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert sent.status_code == 303
    refused = client.post(
        "/contact?lang=fr", data=CONTACT, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    assert "Veuillez patienter une heure" in refused.get_data(as_text=True)
    assert len(session.scalars(select(OutboxMessage)).all()) == 3
    # Another address is not limited, and typos never counted.
    other = client.post("/contact", data=CONTACT, environ_base={"REMOTE_ADDR": "10.0.0.10"})
    assert other.status_code == 303
    assert limits.keys()


def test_mistakes_do_not_use_up_the_limit(client, session):
    client.get("/contact")
    for _ in range(5):
        bad = client.post("/contact", data={**CONTACT, "email": "x"})
        assert bad.status_code == 422
    assert client.post("/contact", data=CONTACT).status_code == 303
