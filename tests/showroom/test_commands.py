"""`storefront demo-showroom-day`: one reconciled, signed-off day from the demo pieces."""

from __future__ import annotations

from sqlalchemy import select

from storefront.showroom.models import RegisterSession, SessionStatus


def test_demo_day_is_reconciled_and_signed_off(app, runner, session, demo, client, login):
    result = runner.invoke(args=["demo-showroom-day", "--date", "2025-03-14"])
    assert result.exit_code == 0, result.output
    assert "difference -10.00\xa0MAD" in result.output and "signed off" in result.output
    rs = session.scalar(select(RegisterSession))
    assert rs.status == SessionStatus.SIGNED_OFF
    assert rs.reconciliation.cash_difference_minor == -1000
    assert rs.reconciliation.card_difference_minor == 0
    assert "10 MAD short" in rs.reconciliation.note

    login(_staff(session))
    page = client.get("/staff/reconciliation/2025-03-14").get_data(as_text=True)
    assert "-10,00" in page or "−10,00" in page
    assert "Rapproché et validé" in page or "Reconciled and signed off" in page


def _staff(session):
    from storefront.accounts.models import User

    return session.scalar(select(User).where(User.role == "staff"))
