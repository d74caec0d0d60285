"""Routes of the checkout area: the form, the way to the payment page and back, the webhook."""

from __future__ import annotations

import logging
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from storefront import jobs
from storefront.cart.services import cart_from_order, review_cart
from storefront.cart.views import current_cart, save_cart
from storefront.catalog.models import Product
from storefront.errors import DomainError, NotFound
from storefront.extensions import csrf, db, limiter
from storefront.i18n import current_lang
from storefront.orders.models import Delivery, Order, OrderStatus
from storefront.orders.services import order_by_token
from storefront.templating import media_url
from storefront.urls import public_path_url, public_url

from . import fulfil, payments, webhooks
from .forms import CheckoutForm, PaymentDecisionForm
from .gateways import GatewayError, for_config, stripe_settings
from .shipping import DEFAULT_RATES, rates_for, zone_label
from .stripe_gateway import SignatureError, list_refunds, verify_event

bp = Blueprint("checkout", __name__)
log = logging.getLogger("storefront.checkout")
bp.add_app_template_global(zone_label, "zone_label")
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


@bp.record_once
def allow_stripe_redirect(state) -> None:
    """With Stripe on, let the checkout form's redirect reach Stripe's hosted page (CSP)."""
    config = state.app.config
    if config.get("PAYMENTS") == "stripe":
        extra = list(config.get("CSP_FORM_ACTION_EXTRA") or [])
        if STRIPE_CHECKOUT_ORIGIN not in extra:
            config["CSP_FORM_ACTION_EXTRA"] = [*extra, STRIPE_CHECKOUT_ORIGIN]


def _order_or_404(token: str) -> Order:
    order = order_by_token(db.session, token)
    if order is None:
        raise NotFound(_("We could not find this order."))
    return order


def _hold() -> int:
    return payments.hold_minutes(current_app.config["HOLD_MINUTES"])


def _links(order: Order) -> payments.PaymentLinks:
    images = {}
    for line in order.lines:
        product = db.session.get(Product, line.product_id) if line.product_id else None
        # The first photo whose sizes the worker has made (a new one may still be waiting).
        image = next((i for i in (product.images if product else []) if i.variant_widths), None)
        if image is not None:
            path = f"{media_url('products/' + image.key)}-{image.variant_widths[0]}.jpg"
            images[line.id] = public_path_url(path)
    return payments.PaymentLinks(
        success_url=public_url("checkout.done", token=order.token)
        + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=public_url("orders.view", token=order.token),
        test_url=url_for("checkout.test_pay", token=order.token),
        lang=current_lang(),
        images=images,
        shipping_label=_("Shipping"),
    )


def _summary(cart_view, form: CheckoutForm) -> dict:
    zones = {zone: rates_for(db.session, zone) for zone in DEFAULT_RATES}
    return {"cart": cart_view, "form": form, "zones": zones}


def _go_pay(order: Order):
    """Open (or reopen) the order's payment page and send the buyer there."""
    gateway = for_config(current_app.config)
    attempt = payments.prepare_payment(db.session, order, gateway, _links(order), hold=_hold())
    db.session.commit()
    if attempt.status == "creating":
        try:
            payments.send_attempt(db.session, attempt, gateway)
        except GatewayError as exc:
            db.session.commit()
            log.warning("payment session for %s not opened: %s", order.number, exc)
            return render_template("checkout/unavailable.html", order=order), 503
        db.session.commit()
    return redirect(attempt.url, code=303)


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def start():
    """The checkout form; a valid submit places the order and opens the payment page."""
    lang = current_lang()
    cart = current_cart()
    form = CheckoutForm(lang=lang)
    if request.method == "GET":
        form.checkout_key.data = secrets.token_urlsafe(24)
    elif form.validate_on_submit():
        details = payments.CheckoutDetails(
            email=form.email.data.strip(),
            name=form.name.data.strip(),
            phone=(form.phone.data or "").strip(),
            delivery=Delivery(form.delivery.data),
            address=form.address(),
        )
        try:
            order = payments.place_order(
                db.session,
                cart,
                details,
                checkout_key=form.checkout_key.data,
                lang=lang,
                hold=_hold(),
                default_commission_bps=current_app.config["DEFAULT_COMMISSION_BPS"],
            )
            db.session.commit()
        except DomainError as exc:  # stale cart, stock gone, too heavy, too small: nothing placed
            db.session.rollback()
            view = review_cart(db.session, cart, lang)
            save_cart(cart)
            view.notices = getattr(exc, "notices", None) or [exc.message, *view.notices]
            return render_template("checkout/form.html", **_summary(view, form)), exc.status_code
        except IntegrityError:  # the same form, sent twice at once: use the first order
            db.session.rollback()
            order = payments.place_order(
                db.session,
                {},
                details,
                checkout_key=form.checkout_key.data,
                lang=lang,
                hold=_hold(),
                default_commission_bps=0,
            )
        save_cart({})
        return _go_pay(order)
    view = review_cart(db.session, cart, lang)
    save_cart(cart)
    if not view.lines:
        flash(_("Your cart is empty."), "warning")
        return redirect(url_for("cart.view"))
    status = 422 if request.method == "POST" else 200
    return render_template("checkout/form.html", **_summary(view, form)), status


@bp.post("/checkout/pay/<token>")
def pay(token: str):
    """Go (back) to the payment page of a pending order; retries send the identical request."""
    return _go_pay(_order_or_404(token))


@bp.get("/checkout/done/<token>")
def done(token: str):
    """Where Stripe sends the buyer after paying: check the session and fulfil, like the webhook."""
    order = _order_or_404(token)
    session_id = request.args.get("session_id", "")[:255]
    attempt = fulfil.attempt_for_session(db.session, session_id) if session_id else None
    if attempt is not None and attempt.order_id == order.id:
        try:
            state = for_config(current_app.config).retrieve(session_id)
        except GatewayError as exc:
            log.warning("could not read session %s: %s", session_id, exc)
        else:
            outcome = fulfil.fulfil_payment(db.session, fulfil.PaymentResult.from_session(state))
            db.session.commit()
            if outcome in fulfil.MAIL_OUTCOMES:
                jobs.mail_queued()
    return redirect(url_for("orders.view", token=order.token), code=303)


@bp.post("/checkout/cancel/<token>")
def cancel(token: str):
    """Give up paying: close the payment session, release the hold, refill the cart."""
    order = _order_or_404(token)
    if order.status == OrderStatus.PENDING_PAYMENT:
        try:
            outcome = fulfil.settle_hold(
                db.session, order, for_config(current_app.config), reason="cancelled by buyer"
            )
        except GatewayError:
            db.session.rollback()
            flash(_("The payment service did not answer; please try again."), "error")
            return redirect(url_for("orders.view", token=order.token), code=303)
        db.session.commit()
        if outcome != "released":
            if outcome in fulfil.MAIL_OUTCOMES:  # paid at the last moment
                jobs.mail_queued()
            return redirect(url_for("orders.view", token=order.token), code=303)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.PAYMENT_FAILED):
        save_cart(cart_from_order(order))
        flash(_("The order was cancelled; your pieces are back in your cart."), "success")
    return redirect(url_for("cart.view"), code=303)


@bp.route("/checkout/test-pay/<token>", methods=["GET", "POST"])
def test_pay(token: str):
    """The test gateway's page: no money moves; Pay and Decline drive the real fulfilment."""
    if current_app.config.get("PAYMENTS") != "test":
        abort(404)
    order = _order_or_404(token)
    if request.method == "GET":
        return render_template("checkout/test_pay.html", order=order)
    decision = PaymentDecisionForm().chosen()
    if order.status == OrderStatus.PENDING_PAYMENT and decision == "decline":
        fulfil.end_payment(db.session, order, failed=True, reason="declined on the test page")
        db.session.commit()
        save_cart(cart_from_order(order))
    elif decision == "pay" and order.status == OrderStatus.PENDING_PAYMENT:
        # Like an expired Stripe session: a tab left open cannot pay a cancelled order.
        result = fulfil.PaymentResult(
            order.number, True, order.total_minor, order.currency, f"test_{order.number}", "test"
        )
        outcome = fulfil.fulfil_payment(db.session, result)
        db.session.commit()
        if outcome in fulfil.MAIL_OUTCOMES:
            jobs.mail_queued()
    return redirect(url_for("orders.view", token=order.token), code=303)


def _refund_lister() -> webhooks.RefundLister | None:
    """Ask Stripe for a payment's refunds with the app's settings; None without a Stripe key."""
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        return None
    settings = stripe_settings(current_app.config)
    return lambda payment_intent: list_refunds(settings, payment_intent)


def _keep_failure(event: dict, error: str) -> None:
    """Record a failed event for the attention queue in its own transaction; never raises."""
    try:
        webhooks.record_event_failure(db.session, event, error)
        db.session.commit()
    except Exception:  # the answer to Stripe must not change because the record failed
        db.session.rollback()
        log.exception("could not record the failure of webhook %s", event.get("id"))


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: verified on the raw body, stored once, dispatched; fails closed."""
    try:
        event = verify_event(
            request.get_data(cache=False),
            request.headers.get("Stripe-Signature"),
            current_app.config.get("STRIPE_WEBHOOK_SECRET"),
        )
    except SignatureError as exc:
        log.warning("webhook refused: %s", exc)
        return jsonify(error="invalid signature"), 400
    try:
        outcome = webhooks.handle_event(db.session, event, list_refunds=_refund_lister())
        db.session.commit()
    except IntegrityError:  # the same event delivered twice at once; the other copy has it
        db.session.rollback()
        outcome = "duplicate"
    except GatewayError as exc:  # Stripe could not list the refunds: let Stripe send it again
        db.session.rollback()
        log.warning("webhook %s left for a retry: %s", event.get("id"), exc)
        _keep_failure(event, f"GatewayError: {exc}")
        return jsonify(error="try again"), 503
    except Exception as exc:  # a bug or an outage: answered as before (500), and kept for staff
        db.session.rollback()
        _keep_failure(event, f"{type(exc).__name__}: {exc}")
        raise
    if outcome in fulfil.MAIL_OUTCOMES:
        jobs.mail_queued()
    return jsonify(received=True, outcome=outcome)
