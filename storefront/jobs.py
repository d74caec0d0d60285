"""Background jobs (Huey): mail, hold expiry and photo variants run in `storefront worker`.

Requests only enqueue; every job also runs every minute, so work a request could not enqueue
(the queue was down) is still done within a minute.
"""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from redis import ConnectionPool

log = logging.getLogger("storefront.jobs")

QUEUE_NAME = "storefront"
# A job older than this is dropped unrun: by then the every-minute run has done its work, so a
# backlog left while the worker was down (requests still enqueueing) is not replayed one by one.
STALE_AFTER_SECONDS = 600
# A request waits at most this long for Redis to answer before giving up on enqueueing.
REDIS_CONNECT_TIMEOUT_SECONDS = 2
# Above Huey's 1 s blocking read, so an idle worker's BRPOP is never cut short.
REDIS_SOCKET_TIMEOUT_SECONDS = 10
# An idle SQLite queue is polled at least this often, so queued mail leaves within seconds.
MAX_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class Jobs:
    """One application's queue and its tasks; calling a task enqueues it."""

    huey: Huey
    deliver_mail: TaskWrapper
    release_expired_holds: TaskWrapper
    make_variants: TaskWrapper
    mail_statements: TaskWrapper

    def catch_up(self) -> None:
        """Enqueue every periodic job once, for what fell due while no worker was running."""
        self.deliver_mail()
        self.release_expired_holds()
        self.make_variants()
        self.mail_statements()

    def close(self) -> None:
        """Release the queue's connections (the end of a test app; process exit does it too)."""
        self.huey.storage.close()
        if isinstance(self.huey, RedisHuey):
            self.huey.storage.pool.disconnect()


def make_huey(uri: str) -> Huey:
    """A Huey queue on the storage JOBS_STORAGE_URI names; raises RuntimeError for anything else.

    `sqlite:///path` is SqliteHuey (one file, for a single machine), `redis://host:port/db`
    RedisHuey (production: every app server and the worker share it).
    """
    scheme = urlsplit(uri).scheme
    if scheme == "sqlite" and uri.startswith("sqlite:///") and len(uri) > len("sqlite:///"):
        path = Path(uri[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)
    if scheme in ("redis", "rediss", "unix"):
        pool = ConnectionPool.from_url(
            uri,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
        )
        return RedisHuey(QUEUE_NAME, connection_pool=pool, results=False)
    raise RuntimeError(f"JOBS_STORAGE_URI must be sqlite:///<file> or redis://…, not {uri!r}")


def init_jobs(app: Flask) -> Jobs:
    """Build the app's queue and its tasks (each run in an app context of this app)."""
    # Imported here: the jobs call into the domain packages, which the views that enqueue import.
    from storefront.catalog.images import make_variants as make_image_variants
    from storefront.catalog.listings import pending_variant_keys, record_variants
    from storefront.checkout.expiry import release_expired_holds
    from storefront.checkout.fulfil import MAIL_OUTCOMES
    from storefront.checkout.gateways import for_config
    from storefront.extensions import db
    from storefront.mail.sender import deliver_outbox

    huey = make_huey(app.config["JOBS_STORAGE_URI"])
    every_minute = crontab()

    @huey.periodic_task(every_minute, name="deliver_mail", expires=STALE_AFTER_SECONDS)
    def deliver_mail() -> dict[str, int]:
        """Send the outbox's due messages."""
        with app.app_context():
            counts = deliver_outbox(limit=200)
        if any(counts.values()):
            log.info("mail: %s", counts)
        return counts

    @huey.periodic_task(every_minute, name="release_expired_holds", expires=STALE_AFTER_SECONDS)
    def release_holds() -> list[tuple[str, str]]:
        """Release the holds that have ended; send at once the mail of any paid meanwhile."""
        with app.app_context():
            outcomes = release_expired_holds(db.session, for_config(app.config))
        for number, outcome in outcomes:
            log.info("hold of %s: %s", number, outcome)
        if any(outcome in MAIL_OUTCOMES for _number, outcome in outcomes):
            deliver_mail()
        return outcomes

    @huey.periodic_task(every_minute, name="make_variants", expires=STALE_AFTER_SECONDS)
    def make_variants() -> list[str]:
        """Make the resized variants of every stored photo that has none yet; returns the keys.

        One photo at a time, each committed as soon as its files exist, so pages show it at
        once. A photo whose original cannot be read is logged and left for a person to see
        (its pages keep the placeholder); the others go on.
        """
        done = []
        with app.app_context():
            media_root = app.config["MEDIA_ROOT"]
            for key in pending_variant_keys(db.session):
                try:
                    widths = make_image_variants(key, media_root)
                except (OSError, ValueError) as exc:
                    log.error("variants of photo %s not made: %s", key, exc)
                    continue
                record_variants(db.session, key, widths)
                db.session.commit()
                done.append(key)
        if done:
            log.info("variants made for %d photos", len(done))
        return done

    @huey.periodic_task(crontab(minute="7"), name="mail_statements", expires=STALE_AFTER_SECONDS)
    def mail_statements() -> int:
        """Once the month is closed, tell each artisan with entries in it that it is ready."""
        from storefront.admin.payout_mail import queue_statement_mails

        with app.app_context():
            queued = queue_statement_mails(db.session)
            db.session.commit()
        if queued:
            log.info("statements ready: %d mails", queued)
            deliver_mail()
        return queued

    jobs = Jobs(
        huey=huey,
        deliver_mail=deliver_mail,
        release_expired_holds=release_holds,
        make_variants=make_variants,
        mail_statements=mail_statements,
    )
    app.extensions["jobs"] = jobs
    return jobs


def current_jobs() -> Jobs:
    """The current application's jobs."""
    return current_app.extensions["jobs"]


def _enqueue_after_commit(task: str) -> None:
    # The request has committed its work: a queue that cannot be reached must not fail it, and
    # the task's every-minute run does what this one would have.
    try:
        getattr(current_jobs(), task)()
    except Exception as exc:  # any storage failure
        log.warning("%s not enqueued (its minute run will do it): %s", task, exc)


def mail_queued() -> None:
    """After a commit that queued mail, have the worker send it now; never fails the request.

    If the queue cannot be reached the message still waits in the outbox, and the worker's
    every-minute run sends it.
    """
    _enqueue_after_commit("deliver_mail")


def photos_stored() -> None:
    """After a commit that stored photos, have the worker make their variants now.

    Never fails the request: if the queue cannot be reached, the photos wait with no widths
    (pages show a placeholder of their size) and the worker's every-minute run makes them.
    """
    _enqueue_after_commit("make_variants")


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads that run jobs.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the jobs: mail, hold expiry and photo variants every minute, at start, and enqueued.

    Ctrl-C (SIGINT) lets a running job finish, SIGTERM stops at once; either way nothing is
    lost: a half-done transaction rolls back and an unsent message is retried.
    """
    # Until the consumer installs its own handlers, SIGTERM stops it like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    jobs = current_jobs()
    consumer = jobs.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        max_delay=MAX_POLL_SECONDS,
    )
    try:
        # The scheduler's first check may enqueue them as well; both jobs are idempotent.
        jobs.catch_up()
        consumer.run()
    except KeyboardInterrupt:  # stopped while starting: no job has run yet
        consumer.stop()
        log.info("worker stopped while starting")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
