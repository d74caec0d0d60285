"""The queue in the app: what requests enqueue, what the jobs do, and a queue that is down."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta

import pytest
import redis
from sqlalchemy import select

from storefront import create_app
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.jobs import current_jobs
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Order, OrderStatus
from storefront.timeutil import utcnow

REDIS_URL = "redis://127.0.0.1:6379/5"  # database 5: this suite's own


def _receipt(app) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "receipt"))
        db.session.expunge_all()
        return message


def _queued(app) -> list[str]:
    return [task.name for task in app.extensions["jobs"].huey.pending()]


def _age_holds(app) -> None:
    with app.app_context():
        for order in db.session.scalars(select(Order)):
            order.hold_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()


def test_a_request_that_queues_mail_sends_nothing_itself(
    app, pieces, place_order, smtp_server, run_jobs
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    client, pay_page = place_order(pieces["jar"], "buyer@example.com")
    assert _queued(app) == []  # placing an order queues no mail
    assert client.post(pay_page, data={"decision": "pay"}).status_code == 303

    assert _receipt(app).status == "pending" and smtp_server.inbox.messages == []
    assert _queued(app) == ["deliver_mail"]
    assert run_jobs() == ["deliver_mail"]  # what the worker would do
    assert smtp_server.inbox.wait_for("buyer@example.com")["Subject"].startswith("Votre commande")
    assert _receipt(app).status == "sent"


def test_catch_up_enqueues_every_job(app):
    with app.app_context():
        current_jobs().catch_up()
    assert _queued(app) == [
        "deliver_mail",
        "release_expired_holds",
        "make_variants",
        "mail_statements",
    ]


def test_every_job_runs_every_minute(app):
    huey = app.extensions["jobs"].huey
    start = datetime(2026, 3, 1, 23, 0)
    for minute in range(0, 24 * 60, 7):
        due = huey.read_periodic(start + timedelta(minutes=minute))
        names = sorted(task.name for task in due)
        hourly = ["mail_statements"] if (start + timedelta(minutes=minute)).minute == 7 else []
        assert names == sorted(["deliver_mail", "make_variants", "release_expired_holds", *hourly])


def test_the_release_job_returns_the_stock_of_ended_holds(app, pieces, place_order, run_jobs):
    place_order(pieces["pot"], "late@example.com")
    _age_holds(app)
    app.extensions["jobs"].release_expired_holds()
    assert run_jobs() == ["release_expired_holds"]  # nothing was paid, so no mail to send
    with app.app_context():
        assert db.session.scalar(select(Order)).status == OrderStatus.CANCELLED
        assert db.session.get(Product, pieces["pot"]).stock == 1


@pytest.mark.usefixtures("stripe_config")
def test_an_order_paid_at_the_last_moment_gets_its_mail_sent_next(
    app, pieces, place_order, fake_stripe, run_jobs
):
    place_order(pieces["pot"], "late@example.com")
    [session_id] = fake_stripe.sessions
    fake_stripe.pay(session_id)  # the webhook has not arrived yet
    _age_holds(app)
    app.extensions["jobs"].release_expired_holds()
    assert run_jobs() == ["release_expired_holds", "deliver_mail"]
    with app.app_context():
        assert db.session.scalar(select(Order)).status == OrderStatus.PAID
    assert _receipt(app).status == "sent"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestQueueDown:
    """Redis unreachable: requests still succeed and the mail waits in the outbox."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "JOBS_STORAGE_URI": f"redis://127.0.0.1:{_closed_port()}/5"}

    def test_paying_succeeds_and_the_mail_waits(self, app, pieces, place_order, caplog):
        client, pay_page = place_order(pieces["jar"], "buyer@example.com")
        with caplog.at_level(logging.WARNING, logger="storefront.jobs"):
            response = client.post(pay_page, data={"decision": "pay"})
        assert response.status_code == 303
        page = client.get(response.location + "?lang=en").get_data(as_text=True)
        assert "Paid" in page
        assert _receipt(app).status == "pending"
        assert "deliver_mail not enqueued" in caplog.text


class TestRedisQueue:
    """The production storage: RedisHuey on a real Redis."""

    @pytest.fixture
    def app_config(self, app_config):
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        try:
            client.ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        finally:
            client.close()
        return {**app_config, "JOBS_STORAGE_URI": REDIS_URL}

    @pytest.fixture
    def app(self, app):
        huey = app.extensions["jobs"].huey
        huey.flush()
        yield app
        huey.flush()

    def test_requests_enqueue_and_the_job_runs_from_redis(self, app, pieces, place_order, run_jobs):
        client, pay_page = place_order(pieces["jar"], "buyer@example.com")
        client.post(pay_page, data={"decision": "pay"})
        assert app.extensions["jobs"].huey.pending_count() == 1
        assert run_jobs() == ["deliver_mail"]
        assert _receipt(app).status == "sent"  # to the log: no MAIL_SERVER here


@pytest.mark.parametrize("uri", ["memory://", "sqlite://", "postgresql://db/jobs"])
def test_unknown_queue_storage_refuses_to_start(app_config, uri):
    with pytest.raises(RuntimeError, match="JOBS_STORAGE_URI"):
        create_app({**app_config, "JOBS_STORAGE_URI": uri})
