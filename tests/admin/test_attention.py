"""The attention queue: every writer of attention_reason shows up, and resolving is guarded."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storefront.admin import attention
from storefront.audit import AuditLog
from storefront.checkout import fulfil, webhooks
from storefront.errors import Conflict
from storefront.extensions import db
from storefront.orders import services as orders
from storefront.orders.models import Channel, Order, OrderEvent
from tests.factories import make_product, make_user

PACKAGE = Path(__file__).resolve().parents[2] / "storefront"
# The functions that only pass a reason on (their own callers are the writers).
PRIMITIVES = {
    ("orders/services/status.py", "flag_order"),
    ("showroom/services/returns.py", "_flag_once"),
}
FLAGGING_CALLS = {name for _path, name in PRIMITIVES}


def _writers() -> dict[tuple[str, str], int]:
    """(module, function) -> how many places in it write attention_reason, found in the source.

    A place writes when it assigns `<x>.attention_reason` or passes `attention_reason=` (an
    update's values) other than None (a resolution), or calls one of the PRIMITIVES.
    """
    found: dict[tuple[str, str], int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text())
        for func_node in ast.walk(tree):
            if not isinstance(func_node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            count = 0
            for node in ast.walk(func_node):
                if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    count += sum(
                        isinstance(t, ast.Attribute) and t.attr == "attention_reason"
                        for t in targets
                    )
                elif isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                    count += name in FLAGGING_CALLS
                    count += any(
                        k.arg == "attention_reason"
                        and not (isinstance(k.value, ast.Constant) and k.value.value is None)
                        for k in node.keywords
                    )
            if count and (module, func_node.name) not in PRIMITIVES:
                found[(module, func_node.name)] = found.get((module, func_node.name), 0) + count
    return found


def _paid_order(session, *, reference: str = "pi_attention", total: int = 30000) -> Order:
    piece = make_product(session, price_minor=total, stock=3, title_fr="Plateau")
    order = orders.create_order(
        session,
        channel=Channel.ONLINE,
        lines=[(piece.id, 1)],
        customer_email="buyer@example.com",
        customer_name="Nora Buyer",
        hold_minutes=30,
    )
    orders.mark_paid(session, order, payment_method="stripe", payment_reference=reference)
    session.commit()
    return order


def _event(kind: str, obj: dict, n: int) -> dict:
    return {"id": f"evt_attention_{kind}_{n}", "type": kind, "data": {"object": obj}}


def _charge(order: Order, refunded: int) -> dict:
    return {"id": "ch_1", "payment_intent": order.payment_reference, "amount_refunded": refunded}


def _refund(order: Order, refund_id: str, amount: int, status: str = "succeeded") -> dict:
    return {
        "id": refund_id,
        "amount": amount,
        "status": status,
        "payment_intent": order.payment_reference,
        "metadata": {},
    }


# Each writer's situations, one per place that writes, driven through the shop's own code;
# each returns the order and words its reason must hold.
def mismatch(session):
    piece = make_product(session, price_minor=20000, stock=2)
    order = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    result = fulfil.PaymentResult(order.number, True, 19900, "mad", "pi_short", "stripe")
    assert fulfil.fulfil_payment(session, result) == "amount mismatch"
    return order, "does not match the order total"


def paid_after_release(session):
    piece = make_product(session, price_minor=20000, stock=1)
    order = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    orders.cancel_order(session, order, reason="expired")
    result = fulfil.PaymentResult(order.number, True, 20000, "mad", "pi_late", "stripe")
    assert fulfil.fulfil_payment(session, result) == "paid after release"
    return order, "Paid after its hold was released."


def fallback_full(session):
    order = _paid_order(session, reference="pi_fb_full")
    outcome = webhooks.handle_event(session, _event("charge.refunded", _charge(order, 30000), 1))
    assert outcome == "refund booked"
    return order, "Refunded in full at Stripe"


def fallback_partial(session):
    order = _paid_order(session, reference="pi_fb_part")
    outcome = webhooks.handle_event(session, _event("charge.refunded", _charge(order, 500), 2))
    assert outcome == "flagged"
    return order, "Stripe shows 500 refunded"


def no_refund_listed(session):
    order = _paid_order(session, reference="pi_none")
    event = _event("charge.refunded", _charge(order, 500), 3)
    assert webhooks.handle_event(session, event, list_refunds=lambda _pi: []) == "flagged"
    return order, "lists no refund"


def full_refund_at_stripe(session):
    order = _paid_order(session, reference="pi_dash_full")
    refunds = [_refund(order, "re_full", 30000)]
    event = _event("charge.refunded", _charge(order, 30000), 4)
    assert webhooks.handle_event(session, event, list_refunds=lambda _pi: refunds) == (
        "refund booked"
    )
    return order, "Refunded in full at Stripe"


def partial_refund_at_stripe(session):
    order = _paid_order(session, reference="pi_dash_part")
    event = _event("refund.created", _refund(order, "re_part", 700), 5)
    assert webhooks.handle_event(session, event) == "flagged"
    return order, "was not made by the shop"


def refund_failed_later(session):
    order, _words = full_refund_at_stripe(session)
    session.commit()
    event = _event("refund.updated", _refund(order, "re_full", 30000, status="failed"), 6)
    assert webhooks.handle_event(session, event) == "flagged"
    return order, "the money did not go back"


def shop_refund_of_another_amount(session):
    order = _paid_order(session, reference="pi_shop")
    refund = _refund(order, "re_shop", 100)
    refund["metadata"] = {"refund_key": "rk_attention", "lines": f"{order.lines[0].id}:1"}
    assert webhooks.handle_event(session, _event("refund.created", refund, 7)) == "refund booked"
    return order, "its pieces come to"


SITUATIONS = {
    ("checkout/fulfil.py", "fulfil_payment"): [mismatch],
    ("orders/services/status.py", "mark_paid_after_release"): [paid_after_release],
    ("checkout/webhooks.py", "_fallback_refunded"): [fallback_full, fallback_partial],
    ("checkout/webhooks.py", "_refunded"): [no_refund_listed],
    ("showroom/services/returns.py", "record_stripe_refund"): [
        full_refund_at_stripe,
        partial_refund_at_stripe,
        refund_failed_later,
        shop_refund_of_another_amount,
    ],
}


def test_every_writer_of_attention_reason_has_a_situation_below():
    """A new place that flags orders fails here until a situation shows it in the queue."""
    writers = _writers()
    assert writers, "the search found no writer: it is broken"
    assert {key: len(value) for key, value in SITUATIONS.items()} == writers


def test_the_primitives_are_what_they_say():
    """flag_order writes the column; _flag_once only calls flag_order."""
    status = ast.parse((PACKAGE / "orders/services/status.py").read_text())
    [flag] = [n for n in ast.walk(status) if getattr(n, "name", None) == "flag_order"]
    assert any(
        isinstance(t, ast.Attribute) and t.attr == "attention_reason"
        for n in ast.walk(flag)
        if isinstance(n, ast.Assign)
        for t in n.targets
    )
    returns = ast.parse((PACKAGE / "showroom/services/returns.py").read_text())
    [once] = [n for n in ast.walk(returns) if getattr(n, "name", None) == "_flag_once"]
    calls = [n for n in ast.walk(once) if isinstance(n, ast.Call)]
    assert [getattr(c.func, "id", None) for c in calls] == ["flag_order"]


@pytest.mark.parametrize(
    "situation",
    [s for situations in SITUATIONS.values() for s in situations],
    ids=lambda s: s.__name__,
)
def test_each_flag_is_in_the_queue_until_a_manager_resolves_it(client, session, login, situation):
    manager = make_user(session, role="admin")
    order, words = situation(session)
    session.commit()
    login(manager)
    page = client.get("/admin/attention").get_data(as_text=True)
    assert f'id="order-{order.id}"' in page and words in page
    queued = attention.attention_queue(session)
    [item] = [i for i in queued.orders if i.order.id == order.id]
    assert all(kind != attention.FlagKind.OTHER for kind, _reason in item.reasons)

    refused = client.post(
        f"/admin/attention/orders/{order.id}/resolve?lang=en",
        data={"seal": item.seal, "note": "  "},
    )
    assert refused.status_code == 422
    assert "Write what was done" in refused.get_data(as_text=True)
    done = client.post(
        f"/admin/attention/orders/{order.id}/resolve?lang=en",
        data={"seal": item.seal, "note": "Called the buyer; refunded at Stripe."},
    )
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Order, order.id).attention_reason is None
    assert f'id="order-{order.id}"' not in client.get("/admin/attention").get_data(as_text=True)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "attention.order_resolved"))
    assert entry.user_id == manager.id and entry.object_id == order.id
    assert (
        entry.data["note"] == "Called the buyer; refunded at Stripe."
        and words in entry.data["reason"]
    )


def test_a_reason_added_after_the_page_was_shown_is_not_cleared_unseen(client, session, login):
    login(make_user(session, role="admin"))
    order, _words = mismatch(session)
    session.commit()
    seal = attention.reason_seal(order.attention_reason)
    orders.flag_order(session, order, "Another look needed.")
    session.commit()
    response = client.post(
        f"/admin/attention/orders/{order.id}/resolve?lang=en",
        data={"seal": seal, "note": "checked"},
    )
    assert response.status_code == 409
    assert "look again" in response.get_data(as_text=True)
    assert "checked" in response.get_data(as_text=True)  # the note typed is kept
    session.expire_all()
    assert "Another look needed." in session.get(Order, order.id).attention_reason


def _resolve_in_thread(app, order_id: int, seal: str, user_id: int, start, results, who):
    with app.app_context():
        try:
            start.wait()
            attention.resolve_order_flag(
                db.session,
                db.session.get(Order, order_id),
                seal=seal,
                note=f"done by {who}",
                user_id=user_id,
            )
            db.session.commit()
            results[who] = "resolved"
        except Conflict:
            db.session.rollback()
            results[who] = "refused"
        except Exception as exc:  # any other error fails the test
            db.session.rollback()
            results[who] = f"error {type(exc).__name__}: {exc}"
        finally:
            db.session.remove()


def test_two_managers_resolving_at_once_record_one_resolution(app):
    rounds = 4
    with app.app_context():
        first, second = make_user(db.session, role="admin"), make_user(db.session, role="admin")
        flagged = []
        for _n in range(rounds):
            order, _words = mismatch(db.session)
            flagged.append((order.id, attention.reason_seal(order.attention_reason)))
        db.session.commit()
        users = {"first": first.id, "second": second.id}
    for order_id, seal in flagged:
        start, results = threading.Barrier(2), {}
        threads = [
            threading.Thread(
                target=_resolve_in_thread,
                args=(app, order_id, seal, users[who], start, results, who),
            )
            for who in users
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(results.values()) == ["refused", "resolved"], results
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.action == "attention.order_resolved")
            )
            == rounds
        )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OrderEvent)
                .where(OrderEvent.kind == "attention_resolved")
            )
            == rounds
        )


def test_only_managers_see_and_resolve_the_queue(client, session, login):
    order, _words = mismatch(session)
    staff = make_user(session, role="staff")
    session.commit()
    seal = attention.reason_seal(order.attention_reason)
    login(staff)
    assert client.get("/admin/attention").status_code == 403
    response = client.post(
        f"/admin/attention/orders/{order.id}/resolve?lang=en", data={"seal": seal, "note": "x"}
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Order, order.id).attention_reason
