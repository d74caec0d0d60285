"""The artisan's workshop: own listings, photos, sales and balance; nobody else's."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from storefront.accounts.access import artisan_required, own_or_404
from storefront.catalog import listings
from storefront.catalog.models import Product, ProductImage
from storefront.catalog.services import all_crafts
from storefront.errors import DomainError, NotFound
from storefront.exports import csv_response
from storefront.extensions import db
from storefront.fulfilment.desk import pieces_to_bring
from storefront.i18n import current_lang, tr
from storefront.inputs import FIRST_DAY, LAST_DAY, BadInput, parse_month
from storefront.jobs import photos_stored
from storefront.ledger.services import balance_for_artisan, sales_for_artisan

from . import sales as sales_export
from .forms import EmptyForm, ListingForm, PhotoAltForm, PhotoMoveForm, PhotosForm
from .money import money_summary

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def _own_product(product_id: int) -> Product:
    return own_or_404(db.session.get(Product, product_id))


def _own_image(image_id: int) -> ProductImage:
    image = db.session.get(ProductImage, image_id)
    own_or_404(image.product if image else None)
    return image


def _listing_form(product: Product | None = None) -> ListingForm:
    form = ListingForm(obj=product)
    form.craft_id.choices = [
        SelectChoice(c.id, tr(c, "name"))  # in the page's language, like every label
        for c in all_crafts(db.session)
        if c.kind == "productive"
    ]
    if request.method == "GET":
        if product is not None:
            form.price.data = product.price_minor
            form.stock_seen.data = str(product.stock)
        else:
            form.craft_id.data = current_user.artisan.craft_id
    return form


@bp.get("/")
@artisan_required
def index():
    """My listings with their status, and what the centre owes me."""
    return render_template(
        "dashboard/index.html",
        products=listings.listings_of(db.session, current_user.artisan_id),
        balance=balance_for_artisan(db.session, current_user.artisan_id),
        form=EmptyForm(),
        **money_summary(current_user.artisan_id),
        to_bring=pieces_to_bring(db.session, current_user.artisan_id),
    )


@bp.route("/listings/new", methods=["GET", "POST"])
@artisan_required
def new_listing():
    """Create a draft listing."""
    form = _listing_form()
    if form.validate_on_submit():
        product = listings.create_listing(
            db.session, current_user.artisan, form.values(), user_id=current_user.id
        )
        db.session.commit()
        flash(_("Listing saved as a draft. Add photos, then send it for review."), "success")
        return redirect(url_for("dashboard.edit_listing", product_id=product.id))
    return render_template("dashboard/listing_form.html", form=form, product=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/listings/<int:product_id>", methods=["GET", "POST"])
@artisan_required
def edit_listing(product_id: int):
    """Edit one of my listings; text changes to a live one wait for review."""
    product = _own_product(product_id)
    form = _listing_form(product)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            held = listings.update_listing(
                db.session,
                product,
                form.values(),
                user_id=current_user.id,
                stock_seen=form.seen_stock(),
            )
        except DomainError as exc:  # the stock would pass the cap, or went while editing
            db.session.rollback()
            form.stock.errors = [*form.stock.errors, exc.message]
            status = exc.status_code
        else:
            db.session.commit()
            flash(
                _("Saved. The text changes will show once the centre approves them.")
                if held
                else _("Saved."),
                "success",
            )
            return redirect(url_for("dashboard.edit_listing", product_id=product.id))
    return render_template(
        "dashboard/listing_form.html",
        form=form,
        product=product,
        photos_form=PhotosForm(),
        button=EmptyForm(),
    ), status


@bp.post("/listings/<int:product_id>/photos")
@artisan_required
def add_photos(product_id: int):
    """Upload one or more photos to my listing; the worker makes their sizes for the web.

    Too many pixels together (UPLOAD_PIXEL_BUDGET) answers 413, a file we cannot accept 413
    or 422, with the message; nothing is stored then.
    """
    product = _own_product(product_id)
    form = PhotosForm()
    files = [f for f in (form.photos.data or []) if getattr(f, "filename", "")]
    if not form.validate_on_submit() or not files:
        flash(_("Choose at least one photo."), "error")
        return redirect(url_for("dashboard.edit_listing", product_id=product.id))
    listings.add_photos(
        db.session,
        product,
        [f.read() for f in files],
        current_app.config["MEDIA_ROOT"],
        user_id=current_user.id,
        pixel_budget=current_app.config["UPLOAD_PIXEL_BUDGET"],
    )
    db.session.commit()
    photos_stored()
    flash(
        _("Photos added. They appear in a minute or so, once they are prepared."),
        "success",
    )
    return redirect(url_for("dashboard.edit_listing", product_id=product.id) + "#photo-list")


@bp.post("/photos/<int:image_id>/delete")
@artisan_required
def delete_photo(image_id: int):
    """Remove a photo from my listing."""
    image = _own_image(image_id)
    product_id = image.product_id
    listings.remove_photo(db.session, image, user_id=current_user.id)
    db.session.commit()
    return redirect(url_for("dashboard.edit_listing", product_id=product_id) + "#photo-list")


@bp.post("/photos/<int:image_id>/move")
@artisan_required
def move_photo(image_id: int):
    """Move a photo earlier or later in my listing's gallery."""
    image = _own_image(image_id)
    form = PhotoMoveForm()
    if not form.validate():
        raise DomainError(next(iter(form.errors.values()))[0])
    listings.move_photo(db.session, image, form.offset())
    db.session.commit()
    return redirect(url_for("dashboard.edit_listing", product_id=image.product_id) + "#photo-list")


@bp.post("/photos/<int:image_id>/alt")
@artisan_required
def photo_alt(image_id: int):
    """Describe a photo for people who cannot see it."""
    image = _own_image(image_id)
    form = PhotoAltForm()
    if not form.validate():
        raise DomainError(next(iter(form.errors.values()))[0])
    image.alt = form.alt.data or None
    db.session.commit()
    return redirect(url_for("dashboard.edit_listing", product_id=image.product_id) + "#photo-list")


@bp.post("/listings/<int:product_id>/submit")
@artisan_required
def submit_listing(product_id: int):
    """Send my draft for review."""
    product = _own_product(product_id)
    listings.submit_listing(db.session, product, user_id=current_user.id)
    db.session.commit()
    flash(_("Sent for review. The centre will check it soon."), "success")
    return redirect(url_for("dashboard.index"))


@bp.post("/listings/<int:product_id>/archive")
@artisan_required
def archive_listing(product_id: int):
    """Take my listing off sale."""
    product = _own_product(product_id)
    listings.archive_listing(db.session, product, user_id=current_user.id)
    db.session.commit()
    flash(_("The listing is archived."), "success")
    return redirect(url_for("dashboard.index"))


def _month_arg() -> str | None:
    """The month asked for ("2025-03"), None for every month; 400 for a month we cannot read."""
    raw = (request.args.get("month") or "").strip()
    if not raw:
        return None
    first = parse_month(raw)
    if first is None:
        raise BadInput(
            _(
                "Months look like 2025-01, between %(first)s and %(last)s.",
                first=FIRST_DAY.strftime("%Y-%m"),
                last=LAST_DAY.strftime("%Y-%m"),
            )
        )
    return first.strftime("%Y-%m")


@bp.get("/sales")
@artisan_required
def sales():
    """Every sale of my work, online and in the showroom, with my share and my balance."""
    month = _month_arg()
    rows = sales_for_artisan(db.session, current_user.artisan_id, month=month, lang=current_lang())
    return render_template(
        "dashboard/sales.html",
        rows=rows,
        month=month,
        balance=balance_for_artisan(db.session, current_user.artisan_id),
        totals={k: sum(getattr(r, k) for r in rows) for k in ("gross", "commission", "share")},
    )


@bp.get("/sales.csv")
@artisan_required
def sales_csv():
    """My sales as a spreadsheet file (storefront.exports: amounts in MAD, local times, a BOM)."""
    month = _month_arg()
    rows = sales_for_artisan(db.session, current_user.artisan_id, month=month, lang=current_lang())
    return csv_response(sales_export.sales_csv(rows), f"sales-{month or 'all'}.csv")


@bp.get("/sales/<int:line_id>")
@artisan_required
def sale(line_id: int):
    """One sold line of my work; another artisan's sale answers 404."""
    row = sales_export.sale_of(db.session, current_user.artisan_id, line_id, lang=current_lang())
    if row is None:
        raise NotFound(_("We could not find this sale among yours."))
    return render_template("dashboard/sale.html", row=row)


from . import statements  # noqa: E402,F401  (registers /dashboard/statements on this blueprint)
