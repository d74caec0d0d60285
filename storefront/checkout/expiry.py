"""Releasing abandoned holds: the sweep that the worker runs every minute (and its command)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from .fulfil import expired_holds, settle_hold
from .gateways import Gateway, GatewayError

log = logging.getLogger("storefront.checkout")


def release_expired_holds(
    session: Session, gateway: Gateway, *, now: datetime | None = None
) -> list[tuple[str, str]]:
    """Expire the payment session of every order whose hold ended, then return its stock.

    Unlike a service this commits: each order is settled in its own transaction, so one order
    whose gateway did not answer (left for the next run, outcome "gateway unavailable") does not
    undo the others. An order paid at the last moment is fulfilled instead. Returns each order's
    number and outcome, oldest hold first.
    """
    outcomes = []
    for order in list(expired_holds(session, now)):
        number = order.number
        try:
            outcome = settle_hold(session, order, gateway, reason="hold expired")
            session.commit()
        except GatewayError as exc:
            session.rollback()
            outcome = "gateway unavailable"
            log.warning("hold of %s not released: %s", number, exc)
        outcomes.append((number, outcome))
    return outcomes
