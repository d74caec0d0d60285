"""Managers' and staff pages: listing review, artisans, accounts and invitations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from storefront import jobs
from storefront.accounts import services as accounts
from storefront.accounts.access import admin_required, staff_required
from storefront.accounts.models import Role, User
from storefront.accounts.views import invitation_link
from storefront.artisans.models import Artisan, Shop
from storefront.catalog import listings
from storefront.catalog.models import Product
from storefront.dashboard.forms import EmptyForm, RejectForm
from storefront.errors import DomainError, NotFound
from storefront.extensions import db
from storefront.mail.services import queue_account_email

from . import attention, people
from .forms import ArtisanForm, InvitationForm, RoleForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def index():
    """The staff home: what waits for a decision, and where to go."""
    waiting = attention.count_attention(db.session) if current_user.role == Role.ADMIN else 0
    return render_template(
        "admin/index.html", pending=listings.count_pending(db.session), attention_count=waiting
    )


@bp.get("/listings")
@staff_required
def review():
    """Listings, text edits and photos waiting for review."""
    pending, edits, photos = listings.review_queue(db.session)
    return render_template(
        "admin/review.html",
        pending=pending,
        edits=edits,
        photos=photos,
        button=EmptyForm(),
        reject_form=RejectForm(),
    )


def _product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound(_("We could not find this page. It may have moved or been removed."))
    return product


@bp.post("/listings/<int:product_id>/approve")
@staff_required
def approve(product_id: int):
    """Put a listing (or its changes) live."""
    listings.approve(db.session, _product(product_id), user_id=current_user.id)
    db.session.commit()
    flash(_("Approved: it is in the shop now."), "success")
    return redirect(url_for("admin.review"))


@bp.post("/listings/<int:product_id>/reject")
@staff_required
def reject(product_id: int):
    """Refuse a listing (or its changes) with a reason the artisan sees."""
    form = RejectForm()
    if not form.validate_on_submit():
        raise DomainError(_("Say why, so the artisan can fix it."))
    listings.reject(db.session, _product(product_id), form.reason.data, user_id=current_user.id)
    db.session.commit()
    flash(_("Sent back to the artisan with your reason."), "success")
    return redirect(url_for("admin.review"))


@bp.get("/artisans")
@admin_required
def artisans():
    """Every artisan with their shop, commission and status."""
    rows = db.session.scalars(select(Artisan).order_by(Artisan.name)).all()
    return render_template("admin/artisans.html", artisans=rows)


def _artisan_form_page(artisan: Artisan | None):
    """Show and save the artisan form, for a new artisan (None) or an existing one."""
    form = ArtisanForm(obj=artisan)
    if request.method == "GET":
        form.active.data = artisan.active if artisan else True
        if artisan is not None:
            form.shop_number.data = artisan.shop.number
            form.commission.data = artisan.commission_bps
            form.rib.data = artisan.rib
    if form.validate_on_submit():
        shop = db.session.scalar(select(Shop).where(Shop.number == form.shop_number.data))
        if shop is None:
            form.shop_number.errors.append(_("There is no shop with this number."))
        else:
            values = {
                name: (getattr(form, name).data or "").strip() or None
                for name in ("name_ar", "bio_ar", "bio_fr", "bio_en")
            }
            values.update(
                name=form.name.data.strip(),
                # 0 is a real rate (commission waived); only an empty field means the default.
                commission_bps=form.commission.data,
                rib=form.rib.data or None,
                active=bool(form.active.data),
            )
            saved = people.save_artisan(
                db.session, artisan, values, shop=shop, user_id=current_user.id
            )
            db.session.commit()
            flash(_("Saved."), "success")
            if artisan is None:
                return redirect(url_for("admin.edit_artisan", artisan_id=saved.id))
            return redirect(url_for("admin.artisans"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/artisan_form.html", form=form, artisan=artisan), status


@bp.route("/artisans/new", methods=["GET", "POST"])
@admin_required
def new_artisan():
    """Add an artisan's profile (then invite them to open their account)."""
    return _artisan_form_page(None)


@bp.route("/artisans/<int:artisan_id>", methods=["GET", "POST"])
@admin_required
def edit_artisan(artisan_id: int):
    """Change an artisan's profile, shop, commission override or active status; audited."""
    artisan = db.session.get(Artisan, artisan_id)
    if artisan is None:
        raise NotFound(_("We could not find this page. It may have moved or been removed."))
    return _artisan_form_page(artisan)


@bp.get("/users")
@admin_required
def users():
    """Accounts of staff, managers and artisans."""
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows, button=EmptyForm())


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int):
    """Make an account staff or manager (managers only; the last manager stays one)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("We could not find this page. It may have moved or been removed."))
    form = RoleForm()
    if not form.validate():
        raise DomainError(next(iter(form.errors.values()))[0])
    accounts.change_role(db.session, user, form.role.data, actor=current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_user(user_id: int):
    """Switch an account off (or back on); one cannot switch oneself off."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("We could not find this page. It may have moved or been removed."))
    accounts.set_active(db.session, user, not user.active, actor=current_user)
    db.session.commit()
    return redirect(url_for("admin.users"))


@bp.route("/invitations", methods=["GET", "POST"])
@staff_required
def invitations():
    """Invite an artisan (staff and managers) or a staff member or manager (managers only)."""
    form = InvitationForm()
    if current_user.role != Role.ADMIN:
        form.role.choices = [c for c in form.role.choices if c.value == Role.ARTISAN]
    makers = accounts.artisans_without_account(db.session)
    form.artisan_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(a.id, f"{a.shop.number} · {a.name}") for a in makers
    ]
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        artisan_id = form.artisan_id.data or None if form.role.data == Role.ARTISAN else None
        try:
            invitation = accounts.invite(
                db.session,
                email=form.email.data,
                role=form.role.data,
                artisan_id=artisan_id,
                created_by_id=current_user.id,
            )
        except DomainError as exc:
            db.session.rollback()
            form.email.errors.append(exc.message)
            return render_template("admin/invitations.html", form=form), exc.status_code
        link = invitation_link(invitation)
        with force_locale("ar" if form.role.data == Role.ARTISAN else "fr"):
            subject = _("Your invitation to the Guelmim crafts centre")
            body = render_template("accounts/mail/invitation.txt", link=link)
        queue_account_email(
            db.session, to=invitation.email, locale="ar", subject=subject, body=body
        )
        db.session.commit()
        jobs.mail_queued()
        flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
        flash(_("You can also share this link yourself: %(link)s", link=link), "info")
        return redirect(url_for("admin.invitations"))
    return render_template("admin/invitations.html", form=form), status


# Registered on this blueprint: attention, audit, payouts, reports, shipping and hours.
from . import hours, oversight, payouts, reports, shipping  # noqa: E402,F401
