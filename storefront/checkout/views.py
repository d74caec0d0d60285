"""Routes of the checkout area: the form, the way to the payment page and back, the webhook."""

from __future__ import annotations

import logging
import secrets
from functools import partial

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

from . import fulfil, payments, returning, webhooks
from .forms import AgainForm, CheckoutForm, PaymentDecisionForm
from .gateways import GatewayError, for_config, stripe_settings
from .shipping import DEFAULT_RATES, countries, rates_for, zone_label
from .stripe_gateway import SignatureError, list_refunds, verify_event

bp = Blueprint("checkout", __name__)
log = logging.getLogger("storefront.checkout")
bp.add_app_template_global(zone_label, "zone_label")
bp.add_app_template_global(returning.waiting_order, "waiting_order")
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


def _summary(cart_view, form: CheckoutForm, *, notice: str | None = None) -> dict:
    zones = {zone: rates_for(db.session, zone) for zone in DEFAULT_RATES}
    country = form.country.data if form.country.data in form.known_countries() else ""
    quote = payments.quote_checkout(
        db.session, cart_view.subtotal_minor, cart_view.weight_grams, form.delivery.data, country
    )
    names = dict(countries(current_lang()))
    return {
        "cart": cart_view,
        "form": form,
        "zones": zones,
        "quote": quote,
        "country_name": names.get(country, ""),
        "notice": notice,
    }


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


def _form_page(cart: dict, form: CheckoutForm, status: int, notice: str | None = None):
    view = review_cart(db.session, cart, current_lang())
    save_cart(cart)
    if not view.lines:
        flash(_("Your cart is empty."), "warning")
        return redirect(url_for("cart.view"))
    return render_template("checkout/form.html", **_summary(view, form, notice=notice)), status


def _already_used(cart: dict, form: CheckoutForm, order: Order):
    """A checkout form sent again (the back button) whose order is no longer waiting to be paid.

    Paid or further on: the order's page. Cancelled or failed: the cart stays as it is (the
    cancel refilled it), and the form comes back with what was typed, a fresh key, and a word
    on what happened (409: the form sent cannot be used again).
    """
    if order.status not in (OrderStatus.CANCELLED, OrderStatus.PAYMENT_FAILED):
        flash(_("This form was already sent: here is your order."), "info")
        return redirect(url_for("orders.view", token=order.token), code=303)
    form.checkout_key.data = secrets.token_urlsafe(24)
    notice = _(
        "This form was already used for order %(number)s, which was cancelled: nothing was "
        "charged. Your pieces are still in your cart; check your details and confirm again.",
        number=order.number,
    )
    return _form_page(cart, form, 409, notice)


def _is_quote() -> bool:
    return request.method == "POST" and "update_total" in request.form


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"], exempt_when=_is_quote)
@limiter.limit("120/minute", methods=["POST"])
def start():
    """The checkout form; "update total" shows the price again, a valid submit places the order."""
    lang = current_lang()
    cart = current_cart()
    form = CheckoutForm(lang=lang)
    if request.method == "GET":
        form.checkout_key.data = secrets.token_urlsafe(24)
        returning.fill_from_earlier_order(form)
        return _form_page(cart, form, 200)
    if _is_quote():  # the total for the delivery and country chosen; nothing is checked yet
        return _form_page(cart, form, 200)
    if not form.validate_on_submit():
        return _form_page(cart, form, 422)
    details = payments.CheckoutDetails(
        email=form.email.data.strip(),
        name=form.name.data.strip(),
        phone=(form.phone.data or "").strip(),
        delivery=Delivery(form.delivery.data),
        address=form.address(),
    )
    place = partial(
        payments.place_order,
        db.session,
        details=details,
        checkout_key=form.checkout_key.data,
        lang=lang,
        hold=_hold(),
    )
    try:
        order = place(cart, default_commission_bps=current_app.config["DEFAULT_COMMISSION_BPS"])
        db.session.commit()
    except DomainError as exc:  # stale cart, stock gone, too heavy, too small: nothing placed
        db.session.rollback()
        view = review_cart(db.session, cart, lang)
        save_cart(cart)
        view.notices = getattr(exc, "notices", None) or [exc.message, *view.notices]
        return render_template("checkout/form.html", **_summary(view, form)), exc.status_code
    except IntegrityError:  # the same form, sent twice at once: use the first order
        db.session.rollback()
        order = place({}, default_commission_bps=0)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return _already_used(cart, form, order)
    save_cart({})
    returning.remember_waiting(order)
    return _go_pay(order)


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


@bp.post("/checkout/again/<token>")
def again(token: str):
    """After a declined or cancelled payment: the pieces back in the cart, then the form again
    with the order's details filled in ("try again"), or the cart ("back to cart")."""
    order = _order_or_404(token)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.PAYMENT_FAILED):
        cart = current_cart()
        for product_id, item in cart_from_order(order).items():
            cart.setdefault(product_id, item)
        save_cart(cart)
    if AgainForm().to.data == "cart":
        return redirect(url_for("cart.view"), code=303)
    returning.fill_next_form_from(order)
    return redirect(url_for("checkout.start"), code=303)


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
