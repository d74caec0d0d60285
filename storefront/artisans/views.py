"""Public pages of the artisans, their shops and the zone map."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from storefront.catalog import services as catalog
from storefront.extensions import db
from storefront.inputs import parse_int
from storefront.pagecache import cached_page, page_shows
from storefront.templating import card_options

from . import services
from .models import SHOP_COUNT
from .zone import zone_layout

bp = Blueprint("artisans", __name__)


def _page_arg() -> int:
    return parse_int(request.args.get("page"), low=1, high=catalog.MAX_PAGE) or 1


@bp.get("/artisans/<slug>")
@cached_page
def artisan(slug: str):
    """A maker's story, craft, shop and pieces."""
    maker = services.artisan_by_slug(db.session, slug[:80])
    if maker is None:
        abort(404)
    page_shows(("a", maker.id), ("s", maker.shop_id))
    page = catalog.products_of(
        db.session,
        artisan_ids=[maker.id],
        page=_page_arg(),
        per_page=current_app.config["PER_PAGE"],
        **card_options(),
    )
    return render_template("artisans/artisan.html", artisan=maker, page=page)


@bp.get("/shops/<int:number>")
@cached_page
def shop(number: int):
    """A shop of the activities zone: its craft, its artisans, their pieces and where it is."""
    found = services.shop_by_number(db.session, number) if 1 <= number <= SHOP_COUNT else None
    if found is None:
        abort(404)
    # Its makers and their pieces name the shop; the map shows every shop.
    page_shows(("s", found.id), ("zonemap",))
    makers = [a for a in found.artisans if a.active]
    page = catalog.products_of(
        db.session,
        artisan_ids=[a.id for a in makers],
        page=_page_arg(),
        per_page=current_app.config["PER_PAGE"],
        **card_options(),
    )
    layout = zone_layout(services.zone_shops(db.session), card_options()["lang"])
    return render_template(
        "artisans/shop.html", shop=found, makers=makers, page=page, layout=layout
    )


@bp.get("/zone")
@cached_page
def zone():
    """The map of the 100 shops, coloured by craft, each a link to its page."""
    shops = services.zone_shops(db.session)
    return render_template(
        "artisans/zone.html",
        layout=zone_layout(shops, card_options()["lang"]),
        crafts=catalog.all_crafts(db.session),
        highlight=parse_int(request.args.get("shop"), low=1, high=SHOP_COUNT),
    )
