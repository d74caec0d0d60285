"""Sign in and out, accept an invitation, reset a forgotten password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from storefront import jobs
from storefront.errors import NotFound
from storefront.extensions import db, limiter, login_manager
from storefront.mail.services import queue_account_email
from storefront.urls import public_url, safe_next

from . import services, tokens
from .access import enforce_area_roles
from .forms import AcceptInvitationForm, LoginForm, PasswordForm, ResetRequestForm
from .models import Role, User

bp = Blueprint("accounts", __name__)
bp.before_app_request(enforce_area_roles)
login_manager.login_view = "accounts.login"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Flask-Login hook: the signed-in user, while the session's version is still theirs.

    A session saved before a sign-out, a password or role change, or before the account was
    switched off names an older version and is signed out at its next request.
    """
    return services.user_for_session(db.session, session_id)


def start_session(user: User) -> None:
    """Sign in on a fresh session: nothing from before carries over, the CSRF token included,
    so a token or session planted before sign-in is worth nothing after it."""
    session.clear()
    login_user(user)


def _home_for(user: User) -> str:
    if user.role == Role.ARTISAN:
        return url_for("dashboard.index")
    return url_for("admin.index")


# Sign-in limits count failed attempts only, and never across accounts: a correct password is
# never refused because other accounts failed from the same address (a shared café or hotel
# network, or every visitor seen as one address by a misconfigured proxy). Per account and
# address, 5 failures in 15 minutes pause that account from that address; per account from
# anywhere, 10 failures pause it everywhere, which slows one password guessed from many machines.


def _email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _account_key() -> str:
    return "account:" + _email()


def _account_address_key() -> str:
    return f"account-address:{get_remote_address()}:{_email()}"


def _account_address_limit() -> str:
    return current_app.config.get("LOGIN_ADDRESS_RATE_LIMIT", "5 per 15 minutes")


def _account_limit() -> str:
    return current_app.config.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")


def _failed(response) -> bool:
    """Only a wrong email or password counts (422): signing in all day never locks anyone out,
    and neither do attempts refused by a limit (429), so one address cannot use up the
    account's limit everywhere by retrying while it is paused."""
    return response.status_code == 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _account_address_limit, methods=["POST"], key_func=_account_address_key, deduct_when=_failed
)
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    """Sign in with email and password; failures are limited per account (see above)."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or _home_for(user))
        form.password.errors.append(_("Wrong email or password."))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(exc: RateLimitExceeded):
    """A limit was reached: the same form again, with how long to wait, status 429."""
    db.session.rollback()
    message = _("Too many attempts. For your safety, wait 15 minutes and try again.")
    if request.endpoint == "accounts.login":
        page = render_template("accounts/login.html", form=LoginForm(), limited=message)
    else:
        page = render_template(
            "accounts/reset_request.html", form=ResetRequestForm(), limited=message
        )
    return page, 429, {"Retry-After": str(15 * 60)}


@bp.post("/logout")
def logout():
    """Sign out here and on every other device this account is signed in on."""
    if current_user.is_authenticated:
        services.end_sessions(db.session, current_user)
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("catalog.home"))


def invitation_link(invitation) -> str:
    """The absolute link that opens an invitation."""
    token = tokens.sign({"i": invitation.id, "n": invitation.nonce}, tokens.INVITATION_SALT)
    return public_url("accounts.accept_invitation", token=token)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Set a name and password from an invitation link, then sign in."""
    data = tokens.unsign(token, tokens.INVITATION_SALT) or {}
    if not isinstance(data.get("i"), int) or not isinstance(data.get("n"), str):
        raise NotFound(_("This invitation link is no longer valid. Ask the centre for a new one."))
    invitation = services.open_invitation(db.session, data["i"], data["n"])
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.locale.data = "ar"
    if form.validate_on_submit():
        user = services.accept_invitation(
            db.session,
            invitation,
            password=form.password.data,
            name=form.name.data.strip(),
            locale=form.locale.data,
        )
        db.session.commit()
        start_session(user)
        flash(_("Welcome! Your account is ready."), "success")
        return redirect(_home_for(user))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "accounts/accept_invitation.html", form=form, invitation=invitation
    ), status


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def reset_request():
    """Ask for a reset link; the answer is the same whether the email is known or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.user_by_email(db.session, form.email.data)
        if user is not None and user.active:
            token = tokens.sign(
                {"u": user.id, "f": services.reset_fingerprint(user)}, tokens.RESET_SALT
            )
            link = public_url("accounts.reset_password", token=token)
            with force_locale(user.locale):
                subject = _("Reset your password")
                body = render_template("accounts/mail/reset.txt", user=user, link=link)
            queue_account_email(
                db.session, to=user.email, locale=user.locale, subject=subject, body=body
            )
            db.session.commit()
            jobs.mail_queued()
        flash(
            _("If an account uses this email, a link to reset the password is on its way."), "info"
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link (valid two hours, once)."""
    data = tokens.unsign(token, tokens.RESET_SALT, max_age=tokens.RESET_MAX_AGE) or {}
    user = db.session.get(User, data["u"]) if isinstance(data.get("u"), int) else None
    if user is None or not user.active or data.get("f") != services.reset_fingerprint(user):
        raise NotFound(_("This link is no longer valid. Ask for a new one."))
    form = PasswordForm()
    if form.validate_on_submit():
        services.set_password(db.session, user, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. You can sign in."), "success")
        return redirect(url_for("accounts.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/reset_password.html", form=form), status
