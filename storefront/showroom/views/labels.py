"""Printable label sheets chosen by artisan or by the day pieces were added."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from storefront.accounts.access import staff_required
from storefront.artisans.models import Artisan, Shop
from storefront.extensions import db
from storefront.inputs import parse_day, parse_int
from storefront.urls import public_url

from .. import services
from .common import bp


@bp.get("/labels")
@staff_required
def labels():
    """Choose pieces (by artisan, by date added) and print their labels; the sheet is the page."""
    artisan_id = parse_int(request.args.get("artisan"), low=1)
    added_from = parse_day(request.args.get("from"))
    added_to = parse_day(request.args.get("to"))
    chosen = any(key in request.args for key in ("artisan", "from", "to"))
    products = (
        services.products_for_labels(
            db.session, artisan_id=artisan_id, added_from=added_from, added_to=added_to
        )
        if chosen
        else []
    )
    artisans = db.session.scalars(
        select(Artisan)
        .join(Shop)
        .where(Artisan.active.is_(True))
        .order_by(Shop.number, Artisan.name)
    ).all()
    return render_template(
        "showroom/labels.html",
        artisans=artisans,
        artisan_id=artisan_id,
        added_from=added_from,
        added_to=added_to,
        chosen=chosen,
        labels=[
            (
                p,
                services.qr_svg(
                    public_url("catalog.product", slug=p.slug),
                    title=p.sku,
                ),
            )
            for p in products
        ],
    )
