"""The attention queue's failed mail: sent again, or closed with a note; once each."""

from __future__ import annotations

from sqlalchemy import func, select

from storefront.audit import AuditLog
from storefront.mail.models import MessageStatus, OutboxMessage
from storefront.mail.services import MAX_ATTEMPTS, queue_account_email, record_failure
from tests.factories import make_user


def _failed_message(session) -> OutboxMessage:
    message = queue_account_email(
        session, to="lost@example.invalid", locale="fr", subject="Invitation", body="Hello"
    )
    for _n in range(MAX_ATTEMPTS):
        record_failure(session, message, "SMTPRecipientsRefused: lost@example.invalid")
    session.commit()
    assert message.status == MessageStatus.FAILED
    return message


def test_failed_mail_is_listed_and_sent_again(client, session, login, run_jobs):
    manager = make_user(session, role="admin")
    message = _failed_message(session)
    login(manager)
    page = client.get("/admin/attention").get_data(as_text=True)
    assert f'id="mail-{message.id}"' in page and "SMTPRecipientsRefused" in page
    response = client.post(f"/admin/attention/mail/{message.id}/resend", data={})
    assert response.status_code == 303
    session.expire_all()
    again = session.get(OutboxMessage, message.id)
    assert (again.status, again.attempts) == (MessageStatus.PENDING, 0)
    assert f'id="mail-{message.id}"' not in client.get("/admin/attention").get_data(as_text=True)
    run_jobs()  # no MAIL_SERVER in tests: the sender writes it to the log, and it is sent
    session.expire_all()
    assert session.get(OutboxMessage, message.id).status == MessageStatus.SENT
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "attention.mail_resent"))
    assert entry.user_id == manager.id and entry.data["to"] == "lost@example.invalid"
    # A second manager's click on the same (stale) button changes nothing.
    stale = client.post(f"/admin/attention/mail/{message.id}/resend", data={})
    assert stale.status_code == 409


def test_failed_mail_closed_with_a_note(client, session, login):
    login(make_user(session, role="admin"))
    message = _failed_message(session)
    session.commit()
    empty = client.post(f"/admin/attention/mail/{message.id}/resolve?lang=en", data={"note": ""})
    assert empty.status_code == 422 and "Write what was done" in empty.get_data(as_text=True)
    note = "Phoned the artisan; gave the link by hand."
    done = client.post(f"/admin/attention/mail/{message.id}/resolve?lang=en", data={"note": note})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(OutboxMessage, message.id).status == MessageStatus.DISMISSED
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "attention.mail_dismissed"))
    assert entry.data["note"] == note
    twice = client.post(f"/admin/attention/mail/{message.id}/resolve?lang=en", data={"note": note})
    assert twice.status_code == 409
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "attention.mail_dismissed")
        )
        == 1
    )
