"""Queueing email in the outbox inside the business transaction; sending happens later."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storefront.accounts.models import Role, User
from storefront.orders.models import Order
from storefront.timeutil import utcnow

from .models import MessageKind, MessageStatus, OutboxMessage

MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=5)


def queue_order_emails(session: Session, order: Order) -> list[OutboxMessage]:
    """Queue the buyer's receipt (in the order's language) and one notice per artisan.

    Artisans are told through the account linked to them; an artisan without one gets a
    skipped message recording why, so staff can tell them another way.
    """
    messages = []
    if order.customer_email:
        messages.append(
            OutboxMessage(
                kind=MessageKind.RECEIPT,
                to_address=order.customer_email,
                locale=order.locale,
                order_id=order.id,
            )
        )
    for artisan_id in sorted({line.artisan_id for line in order.lines}):
        user = session.scalar(
            select(User)
            .where(User.artisan_id == artisan_id, User.role == Role.ARTISAN, User.active.is_(True))
            .order_by(User.id)
            .limit(1)
        )
        message = OutboxMessage(
            kind=MessageKind.ARTISAN_NOTICE, order_id=order.id, artisan_id=artisan_id
        )
        if user is None:
            message.status = MessageStatus.SKIPPED
            message.last_error = "no account with an email address for this artisan"
        else:
            message.to_address, message.locale = user.email, user.locale
        messages.append(message)
    session.add_all(messages)
    session.flush()
    return messages


def queue_account_email(
    session: Session, *, to: str, locale: str, subject: str, body: str
) -> OutboxMessage:
    """Queue an already written account message (invitation, password reset)."""
    message = OutboxMessage(
        kind=MessageKind.ACCOUNT, to_address=to, locale=locale, subject=subject, body=body
    )
    session.add(message)
    session.flush()
    return message


def due_messages(session: Session, *, now: datetime | None = None, limit: int = 20) -> list[int]:
    """Ids of pending messages whose time to (re)try has come, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == MessageStatus.PENDING,
                OutboxMessage.next_attempt_at <= (now or utcnow()),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def claim_message(session: Session, message_id: int, *, now: datetime | None = None) -> bool:
    """Take a message for sending with a guarded update, so two senders never send it twice."""
    now = now or utcnow()
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def record_sent(session: Session, message: OutboxMessage) -> None:
    """Mark a message sent."""
    message.status = MessageStatus.SENT
    message.sent_at = utcnow()
    message.attempts += 1
    session.flush()


def record_failure(session: Session, message: OutboxMessage, error: str) -> None:
    """Count a failed try and schedule the next (1, 2, 4 … minutes); give up after 8 tries."""
    message.attempts += 1
    message.last_error = error[:1000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
    else:
        message.next_attempt_at = utcnow() + timedelta(minutes=2 ** (message.attempts - 1))
    session.flush()
