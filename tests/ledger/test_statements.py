"""Monthly statements balance month to month, and a closed month never changes."""

from __future__ import annotations

from datetime import date, datetime

from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.ledger.statements import statement_for, statement_months
from storefront.timeutil import local_midnight
from tests.factories import make_artisan
from tests.ledger.helpers import WINDOWS


def _entry(session, maker, amount, at: datetime, kind=EntryKind.ADJUSTMENT):
    session.add(
        LedgerEntry(artisan_id=maker.id, kind=kind, amount_minor=amount, created_at=at, memo="x")
    )
    session.flush()


def test_statements_balance_month_to_month_and_a_closed_month_stays(session):
    maker = make_artisan(session)
    # 2026-03-31 23:30 UTC is already April 1st in Guelmim (UTC+1): it belongs to April.
    _entry(session, maker, 10000, datetime(2026, 3, 10, 12))
    _entry(session, maker, 2500, datetime(2026, 3, 31, 23, 30))
    _entry(session, maker, -4000, datetime(2026, 4, 15, 9))
    now = datetime(2026, 5, 2, 12)
    march = statement_for(session, maker.id, date(2026, 3, 1), WINDOWS, now=now)
    april = statement_for(session, maker.id, date(2026, 4, 1), WINDOWS, now=now)
    assert (march.opening, march.closing, len(march.rows)) == (0, 10000, 1)
    assert (april.opening, april.closing) == (10000, 8500)
    assert [r.balance for r in april.rows] == [12500, 8500]
    assert march.closed and april.closed
    assert march.at_end.available == 10000  # an adjustment without a line is available
    # A correction written in May about March appears in May; March and April stay as they were.
    _entry(session, maker, -100, local_midnight(date(2026, 5, 2)))
    again = statement_for(session, maker.id, date(2026, 3, 1), WINDOWS, now=datetime(2026, 6, 1))
    assert (again.opening, again.closing, again.rows) == (0, 10000, march.rows)
    may = statement_for(session, maker.id, date(2026, 5, 1), WINDOWS, now=datetime(2026, 6, 1))
    assert (may.opening, may.closing, may.total("adjustment")) == (8500, 8400, -100)
    months = statement_months(session, maker.id, now=datetime(2026, 6, 1))
    assert months == [date(2026, m, 1) for m in (6, 5, 4, 3)]


def test_the_month_in_progress_is_not_closed(session):
    maker = make_artisan(session)
    _entry(session, maker, 500, datetime(2026, 7, 2, 12))
    july = statement_for(session, maker.id, date(2026, 7, 1), WINDOWS, now=datetime(2026, 7, 20))
    assert not july.closed and july.closing == 500


def test_each_artisan_is_told_once_that_last_months_statement_is_ready(app, session):
    from sqlalchemy import select

    from storefront.admin.payout_mail import queue_statement_mails
    from storefront.mail.models import OutboxMessage
    from tests.factories import make_user

    maker, quiet, no_account = make_artisan(session), make_artisan(session), make_artisan(session)
    make_user(session, role="artisan", artisan_id=maker.id, locale="fr", email="m@example.com")
    make_user(session, role="artisan", artisan_id=quiet.id, locale="ar", email="q@example.com")
    _entry(session, maker, 500, datetime(2026, 7, 2, 12))
    _entry(session, no_account, 500, datetime(2026, 7, 3, 12))
    _entry(session, quiet, 500, datetime(2026, 8, 3, 12))  # August: not closed yet
    with app.test_request_context():
        assert queue_statement_mails(session, now=datetime(2026, 8, 5)) == 1
        assert queue_statement_mails(session, now=datetime(2026, 8, 6)) == 0
    mails = session.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in mails] == ["m@example.com"]
    assert mails[0].subject == "Votre relevé de juillet 2026 est prêt"
    assert "/dashboard/statements/2026-07" in mails[0].body
