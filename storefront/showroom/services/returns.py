"""Returns at the counter: refund chosen lines in cash, to the card terminal, or through Stripe."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError
from storefront.ledger.models import EntryKind
from storefront.orders.models import Channel, Order, OrderLine
from storefront.orders.services import flag_order, lock_order, refund_order_lines
from storefront.orders.services.status import RETURNABLE

from ..models import Refund, RefundLine, RegisterSession, ShowroomPayment, TenderMethod
from .drawer import drawer_summary, hold_open

REFUNDABLE = RETURNABLE

# (payment_intent, amount_minor, idempotency_key, metadata) -> the gateway's refund id.
StripeRefunder = Callable[[str, int, str, dict[str, str]], str]


def refund_methods(session: Session, order: Order) -> list[str]:
    """How an order can be refunded: Stripe for online payments, else cash or card terminal."""
    if order.channel == Channel.ONLINE:
        return [TenderMethod.STRIPE] if order.payment_method == "stripe" else [TenderMethod.CASH]
    used = set(
        session.scalars(select(ShowroomPayment.method).where(ShowroomPayment.order_id == order.id))
    )
    methods = [TenderMethod.CASH]
    if TenderMethod.CARD_TERMINAL in used:
        methods.append(TenderMethod.CARD_TERMINAL)
    return methods


def _card_paid(session: Session, order: Order) -> int:
    """What the order paid on the card terminal less what went back to the card (after flush)."""
    paid = session.scalar(
        select(func.coalesce(func.sum(ShowroomPayment.amount_minor), 0)).where(
            ShowroomPayment.order_id == order.id,
            ShowroomPayment.method == TenderMethod.CARD_TERMINAL,
        )
    )
    back = session.scalar(
        select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(
            Refund.order_id == order.id, Refund.method == TenderMethod.CARD_TERMINAL
        )
    )
    return int(paid or 0) - int(back or 0)


def refund_by_key(session: Session, key: str) -> Refund | None:
    """A refund already recorded for a form's one-time key (a double submit finds it)."""
    return session.scalar(select(Refund).where(Refund.idempotency_key == key[:80]))


def _check_request(
    session: Session,
    order: Order,
    method: TenderMethod,
    reason: str,
    reference: str,
    register_session: RegisterSession | None,
) -> None:
    if not reason.strip():
        raise DomainError(_("Give a reason for the return."))
    if order.status not in REFUNDABLE:
        raise Conflict(_("This order cannot be refunded in its present state."))
    if method not in refund_methods(session, order):
        raise DomainError(_("This order cannot be refunded that way."))
    if method == TenderMethod.CARD_TERMINAL and not reference.strip():
        raise DomainError(_("Enter the card terminal's reference."))
    if method in (TenderMethod.CASH, TenderMethod.CARD_TERMINAL):
        if register_session is None:
            raise DomainError(_("Open the register before refunding at the counter."))
        hold_open(session, register_session)


def _chosen_lines(order: Order, items: list[tuple[int, int]]) -> list[tuple[OrderLine, int]]:
    by_id = {line.id: line for line in order.lines}
    chosen: list[tuple[OrderLine, int]] = []
    for line_id, quantity in items:
        if quantity <= 0:
            continue
        if line_id not in by_id:
            raise DomainError(_("This line is not part of the order."))
        chosen.append((by_id[line_id], quantity))
    if not chosen:
        raise DomainError(_("Choose at least one piece to refund."))
    return chosen


def _give_back(
    session: Session,
    refund: Refund,
    order: Order,
    register_session: RegisterSession | None,
    stripe_refunder: StripeRefunder | None,
    refund_key: str,
) -> None:
    """Check the drawer or the card can give the amount back, or send it back through Stripe."""
    if refund.method == TenderMethod.CASH and register_session is not None:
        if drawer_summary(session, register_session).expected_cash < 0:
            raise DomainError(_("The drawer does not hold enough cash for this refund."))
    if refund.method == TenderMethod.CARD_TERMINAL and _card_paid(session, order) < 0:
        raise DomainError(
            _("More than was paid by card would go back to the card; refund the rest in cash.")
        )
    if refund.method == TenderMethod.STRIPE:
        if stripe_refunder is None or not order.payment_reference:
            raise DomainError(_("Online refunds are not available right now."))
        refund.reference = refund.stripe_refund_id = stripe_refunder(
            order.payment_reference,
            refund.amount_minor,
            f"showroom-refund-{refund_key[:60]}",
            stripe_metadata(order, refund),
        )


def _book(
    session: Session, order: Order, refund: Refund, chosen: list[tuple[OrderLine, int]]
) -> None:
    """Write the refund row (its unique keys first), reverse the lines in the ledger, and set
    its amount to what the ledger reversed. Raises Conflict when a key was already recorded.
    """
    session.add(refund)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(_("This return was already recorded.")) from exc
    entries = refund_order_lines(
        session,
        order,
        chosen,
        restock=refund.restock,
        refund_id=refund.id,
        user_id=refund.user_id,
        reason=refund.reason,
    )
    for line, quantity in chosen:
        amount = -sum(
            e.amount_minor
            for e in entries
            if e.order_line_id == line.id and e.kind == EntryKind.REFUND
        )
        refund.lines.append(
            RefundLine(order_line_id=line.id, quantity=quantity, amount_minor=amount)
        )
    refund.amount_minor = sum(rl.amount_minor for rl in refund.lines)
    session.flush()


# Stripe keeps metadata values up to 500 characters; longer line lists are left out.
METADATA_VALUE_LIMIT = 500


def stripe_metadata(order: Order, refund: Refund) -> dict[str, str]:
    """What a refund sent through Stripe carries, so its webhook can book it if we did not.

    order_number, refund_key (the return form's one-time key), lines ("<order line id>:<units>"
    joined by commas), restock ("1" or "0") and reason. All of it comes from the form, so a
    retry of the same form sends the very same request, as Stripe's idempotency requires.
    """
    lines = ",".join(f"{rl.order_line_id}:{rl.quantity}" for rl in refund.lines)
    metadata = {
        "order_number": order.number,
        "refund_key": refund.idempotency_key or "",
        "restock": "1" if refund.restock else "0",
        "reason": refund.reason,
    }
    if len(lines) <= METADATA_VALUE_LIMIT:
        metadata["lines"] = lines
    return metadata


def _metadata_lines(order: Order, text: str | None) -> list[tuple[OrderLine, int]] | None:
    """The (line, units) a refund's metadata names, if all are this order's and still refundable."""
    by_id = {line.id: line for line in order.lines}
    chosen: list[tuple[OrderLine, int]] = []
    for item in (text or "").split(","):
        line_id, _sep, units = item.partition(":")
        if not (line_id.isascii() and line_id.isdigit() and units.isascii() and units.isdigit()):
            return None
        line, quantity = by_id.get(int(line_id)), int(units)
        if line is None or not 0 < quantity <= line.quantity - line.refunded_quantity:
            return None
        chosen.append((line, quantity))
    return chosen or None


def _flag_once(session: Session, order: Order, note: str) -> str:
    if note not in (order.attention_reason or ""):
        flag_order(session, order, note)
    return "flagged"


def stripe_refunds_booked(session: Session, order: Order) -> int:
    """What the shop has booked as refunded through Stripe for an order, in minor units."""
    total = session.scalar(
        select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(
            Refund.order_id == order.id, Refund.stripe_refund_id.is_not(None)
        )
    )
    return int(total or 0)


def record_stripe_refund(session: Session, order: Order, stripe_refund: dict) -> str:
    """Book a refund Stripe reports (a Refund object: id, amount, status, metadata) once.

    The caller holds the order's lock (orders.services.lock_order), the same lock the counter
    takes before it refunds, so the shop's own booking of this refund has either committed or
    rolled back by now. Then, keyed on Stripe's refund id (unique on refunds):
    - already recorded (by the counter, or an earlier event): nothing; "already booked";
    - sent by the shop but not recorded (its request failed after Stripe refunded): booked
      here from its metadata (the return form's lines, restock and reason, under the form's
      key, so the form sent again finds it); "refund booked";
    - made outside the shop (Stripe's dashboard): the remaining lines are booked when the
      order is now refunded in full, and staff asked to check the stock; otherwise staff are
      asked to record the returned pieces ("flagged", once per refund);
    - failed or cancelled at Stripe: nothing is booked; if it was, staff are told.
    Returns the outcome for the event log.
    """
    refund_id = str(stripe_refund.get("id") or "")[:80]
    amount = int(stripe_refund.get("amount") or 0)
    metadata = stripe_refund.get("metadata") or {}
    status = stripe_refund.get("status")
    known = session.scalar(select(Refund).where(Refund.stripe_refund_id == refund_id))
    if status in ("failed", "canceled"):
        if known is None:
            return f"refund {status}"
        return _flag_once(
            session,
            order,
            f"Stripe refund {refund_id} ({amount}) {status}: the money did not go back.",
        )
    if known is not None:
        return "already booked"
    key = str(metadata.get("refund_key") or "")[:80]
    mine = refund_by_key(session, key) if key else None
    if mine is not None:
        mine.stripe_refund_id = mine.stripe_refund_id or refund_id
        mine.reference = mine.reference or refund_id
        session.flush()
        return "already booked"
    if key and order.status in REFUNDABLE:
        chosen = _metadata_lines(order, metadata.get("lines"))
        if chosen is not None:
            refund = Refund(
                order_id=order.id,
                method=TenderMethod.STRIPE,
                amount_minor=0,
                reason=(str(metadata.get("reason") or "") or "refunded through Stripe")[:200],
                restock=metadata.get("restock") == "1",
                reference=refund_id,
                idempotency_key=key,
                stripe_refund_id=refund_id,
            )
            _book(session, order, refund, chosen)
            if refund.amount_minor != amount:
                _flag_once(
                    session,
                    order,
                    f"Stripe refund {refund_id} is {amount}; its pieces come to "
                    f"{refund.amount_minor}.",
                )
            return "refund booked"
    remaining = [(ln, ln.quantity - ln.refunded_quantity) for ln in order.lines]
    remaining = [(ln, q) for ln, q in remaining if q > 0]
    whole = stripe_refunds_booked(session, order) + amount >= order.total_minor
    if whole and remaining and order.status in REFUNDABLE:
        refund = Refund(
            order_id=order.id,
            method=TenderMethod.STRIPE,
            amount_minor=0,
            reason="refunded in full at Stripe",
            restock=False,
            reference=refund_id,
            stripe_refund_id=refund_id,
        )
        _book(session, order, refund, remaining)
        flag_order(
            session, order, "Refunded in full at Stripe; check whether the pieces return to stock."
        )
        return "refund booked"
    return _flag_once(
        session,
        order,
        f"Stripe refund {refund_id} of {amount} was not made by the shop: record the returned "
        "pieces.",
    )


def refund_at_counter(
    session: Session,
    order: Order,
    *,
    items: list[tuple[int, int]],
    reason: str,
    restock: bool,
    method: TenderMethod | str,
    user: User,
    register_session: RegisterSession | None,
    refund_key: str,
    reference: str = "",
    stripe_refunder: StripeRefunder | None = None,
) -> Refund:
    """Refund (order_line_id, quantity) items of a paid order, with a reason.

    The ledger gets reversing entries through orders.services.refund_order_lines (guarded: a
    unit is never refunded twice, Conflict otherwise), the pieces go back to stock when
    `restock`, and the amount is what the ledger reversed (the lines' share of what was paid,
    cumulative rounding, see ledger.services). Cash comes from the open drawer (held open, and
    it must hold enough, else DomainError); the card terminal needs its reference and gives
    back at most what the order paid by card (DomainError otherwise); an online
    Stripe order is refunded through `stripe_refunder` with `refund_key` as Stripe's idempotency
    key, so a retried form refunds once, and the Stripe refund id is kept (unique). The order's
    row is locked first (see record_stripe_refund, which Stripe's webhooks call under the same
    lock), and a form whose key is already recorded gets that refund back. Raises DomainError
    for a bad choice of lines or method.
    """
    method = TenderMethod(method)
    # Stripe's refund webhooks take the same lock before they look at what is booked.
    lock_order(session, order)
    done = refund_by_key(session, refund_key)
    if done is not None:
        return done
    _check_request(session, order, method, reason, reference, register_session)
    chosen = _chosen_lines(order, items)
    refund = Refund(
        order_id=order.id,
        register_session_id=register_session.id if register_session else None,
        method=method,
        amount_minor=0,
        reason=reason.strip()[:200],
        restock=restock,
        reference=reference.strip()[:120] or None,
        idempotency_key=refund_key[:80],
        user_id=user.id,
    )
    _book(session, order, refund, chosen)

    _give_back(session, refund, order, register_session, stripe_refunder, refund_key)
    session.flush()
    record_audit(
        session,
        "showroom.refund",
        "refund",
        refund.id,
        user_id=user.id,
        order=order.number,
        method=str(method),
        amount_minor=refund.amount_minor,
        restock=restock,
        lines={rl.order_line_id: rl.quantity for rl in refund.lines},
        reason=refund.reason,
        reference=refund.reference,
    )
    return refund


def refund_cancelled_order(
    session: Session,
    order: Order,
    *,
    user: User,
    reason: str,
    stripe_refunder: StripeRefunder | None = None,
) -> Refund:
    """Refund the whole of an online order staff cancelled: every line, restocked, and shipping.

    The caller (storefront.fulfilment.services.cancel_order) holds the order's lock and has
    moved it to cancelled. The lines go through the same booking as a return (_book: reversing
    ledger entries, restock of what each line took), and the money goes back through the
    order's gateway: Stripe (with `cancel-<number>` as its idempotency key and the return
    metadata, so a retry refunds once and the refund webhooks find it booked), or nothing for
    the test gateway. The amount is what the ledger reversed plus the shipping paid. Raises
    Conflict if the order was already refunded this way, DomainError when Stripe refuses.
    """
    method = TenderMethod.STRIPE if order.payment_method == "stripe" else TenderMethod.TEST
    refund_key = f"cancel-{order.number}"
    remaining = [(ln, ln.quantity - ln.refunded_quantity) for ln in order.lines]
    refund = Refund(
        order_id=order.id,
        method=method,
        amount_minor=0,
        reason=reason.strip()[:200],
        restock=True,
        idempotency_key=refund_key,
        user_id=user.id,
    )
    _book(session, order, refund, [(ln, q) for ln, q in remaining if q > 0])
    refund.amount_minor += order.shipping_minor
    if method == TenderMethod.STRIPE:
        _give_back(session, refund, order, None, stripe_refunder, refund_key)
    else:
        refund.reference = f"test_refund_{order.number}"
    session.flush()
    record_audit(
        session,
        "order.cancel_refund",
        "refund",
        refund.id,
        user_id=user.id,
        order=order.number,
        method=str(method),
        amount_minor=refund.amount_minor,
        shipping_minor=order.shipping_minor,
        reason=refund.reason,
        reference=refund.reference,
    )
    return refund
