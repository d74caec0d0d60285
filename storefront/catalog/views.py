"""Public catalog pages: home, browse and search, product page, and product photos."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from flask_babel import gettext as _

from storefront.extensions import db
from storefront.pagecache import cached_page, page_shows
from storefront.templating import card_options

from . import services
from .forms import parse_filter

bp = Blueprint("catalog", __name__)

MEDIA_MAX_AGE = 365 * 24 * 3600


@bp.get("/")
@cached_page
def home():
    """Featured pieces, the crafts and some of the makers."""
    return render_template(
        "catalog/home.html",
        featured=services.featured(db.session, limit=8, **card_options()),
        crafts=services.crafts_with_counts(db.session),
        makers=services.makers_to_meet(db.session, limit=6),
    )


@bp.get("/products")
@cached_page
def products():
    """Browse and search the live catalog with filters, sorting and pages."""
    flt = parse_filter(request.args)
    page = services.browse(
        db.session, flt, per_page=current_app.config["PER_PAGE"], **card_options()
    )
    notices = [_("Some filters were not understood and were left out.")] if flt.ignored else []
    return render_template(
        "catalog/products.html",
        flt=flt,
        page=page,
        crafts=services.all_crafts(db.session),
        notices=notices,
    )


@bp.get("/products/<slug>")
@cached_page
def product(slug: str):
    """One piece: gallery, price, availability and its maker."""
    item = services.product_by_slug(db.session, slug[:120])
    if item is None:
        abort(404)
    page_shows(("p", item.id), ("a", item.artisan_id), ("s", item.artisan.shop_id))
    return render_template(
        "catalog/product.html",
        product=item,
        more=services.more_by_artisan(db.session, item, **card_options()),
    )


@bp.get("/media/<path:filename>")
def media(filename: str):
    """Serve a picture's variant; names carry a content hash, so cache forever.

    Only `products/` is public: the normalised originals beside it are the worker's input.
    """
    if not filename.startswith("products/"):
        abort(404)
    response = send_from_directory(
        current_app.config["MEDIA_ROOT"], filename, max_age=MEDIA_MAX_AGE
    )
    response.headers["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}, immutable"
    return response
