"""`storefront worker` as its own process: holds end and receipts leave, with no command run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Order, OrderStatus
from storefront.timeutil import utcnow

STOREFRONT = Path(sys.executable).with_name("storefront")


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    """Poll `condition` until it is true and return its value; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        pause.wait(0.1)
    return value


class Worker:
    """A `storefront worker` process, its log in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(STOREFRONT), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        """What it has logged so far."""
        return self.log.read_text(errors="replace")

    def wait_started(self) -> None:
        """Wait until the consumer runs (the app is built and the jobs are registered)."""
        wait_until(
            lambda: "consumer started" in self.output() or self.process.poll() is not None,
            "the worker starting",
        )
        assert self.process.poll() is None, self.output()

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Send a signal and wait for the process to end; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


@pytest.fixture
def start_worker(app, app_config, smtp_server, tmp_path) -> Iterator[Callable[[], Worker]]:
    """Start the real worker on the test's database, queue file and SMTP server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "STRIPE_"))}
    env.update(
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        JOBS_STORAGE_URI=app_config["JOBS_STORAGE_URI"],
        MEDIA_ROOT=app_config["MEDIA_ROOT"],
        SECRET_KEY="test-secret",
        STOREFRONT_ENV="development",
        PAYMENTS="test",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_server.port),
        MAIL_USE_TLS="0",
    )
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        worker.wait_started()
        return worker

    yield start
    for worker in workers:
        worker.stop(signal.SIGKILL)


def _order(app, email: str) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.customer_email == email))
        db.session.expunge_all()
        return order


def _stock(app, product_id: int) -> int:
    with app.app_context():
        return db.session.get(Product, product_id).stock


def _receipt_status(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.to_address == email)
        )


def test_ended_holds_are_released_and_receipts_sent_by_the_worker_alone(
    app, pieces, place_order, start_worker, smtp_server
):
    place_order(pieces["pot"], "late@example.com")
    with app.app_context():  # as if the buyer walked away 31 minutes ago
        order = db.session.scalar(select(Order).where(Order.customer_email == "late@example.com"))
        order.hold_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert _stock(app, pieces["pot"]) == 0

    worker = start_worker()

    # (a) the hold that ended before the worker started is released by its run at start
    wait_until(
        lambda: _order(app, "late@example.com").status == OrderStatus.CANCELLED,
        "the ended hold released",
    )
    assert _stock(app, pieces["pot"]) == 1
    client, pay_page = place_order(pieces["pot"], "second@example.com")  # for sale again
    assert pay_page.startswith("/checkout/test-pay/")

    # (b) a paid order's receipt arrives by SMTP, sent by the worker, not the request
    client, pay_page = place_order(pieces["jar"], "buyer@example.com", lang="fr")
    assert client.post(pay_page, data={"decision": "pay"}).status_code == 303
    number = _order(app, "buyer@example.com").number
    receipt = smtp_server.inbox.wait_for("buyer@example.com")
    assert receipt["Subject"] == f"Votre commande {number}"
    assert "Merci pour votre commande" in receipt.get_content()
    wait_until(
        lambda: _receipt_status(app, "buyer@example.com") == "sent", "the receipt marked sent"
    )

    assert worker.stop(signal.SIGTERM) == 0, worker.output()
    assert "Consumer exiting" in worker.output()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_worker_stops_cleanly_on_a_signal(start_worker, signum):
    worker = start_worker()
    assert worker.stop(signum) == 0, worker.output()
    assert "Traceback" not in worker.output()
