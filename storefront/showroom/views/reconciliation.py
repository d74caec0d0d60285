"""The day's reconciliation page, its CSV export and its server-drawn charts."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from storefront.accounts.access import staff_required
from storefront.errors import NotFound
from storefront.exports import csv_response
from storefront.extensions import db
from storefront.i18n import current_lang, tr
from storefront.inputs import FIRST_DAY, LAST_DAY, parse_day

from .. import services
from ..services.chart import bar_chart
from .common import bp


def _day(value: str):
    # A day outside FIRST_DAY..LAST_DAY has no takings, and its neighbours may not exist.
    day = parse_day(value)
    if day is None:
        raise NotFound(
            _(
                "Dates look like 2025-01-31, between %(first)s and %(last)s.",
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )
        )
    return day


@bp.get("/reconciliation")
@staff_required
def reconciliation_today():
    """Today's reconciliation."""
    return redirect(url_for(".reconciliation", day=services.local_date().isoformat()))


@bp.get("/reconciliation/<day>")
@staff_required
def reconciliation(day: str):
    """Per session and for the day: takings by method, expected against counted, per artisan."""
    when = _day(day)
    report = services.day_report(db.session, when)
    lang = current_lang()
    crafts = bar_chart([(tr(c, "name") if c else slug, s, o) for c, slug, s, o in report.crafts])
    makers = bar_chart(
        [
            (f"{r.shop_number} · {r.display_name(lang)}", r.showroom_gross, r.online_gross)
            for r in report.artisans
        ]
    )
    return render_template(
        "showroom/reconciliation.html",
        report=report,
        craft_chart=crafts,
        artisan_chart=makers,
        previous=(when.fromordinal(when.toordinal() - 1)).isoformat(),
        following=(when.fromordinal(when.toordinal() + 1)).isoformat(),
    )


@bp.get("/reconciliation/<day>.csv")
@staff_required
def reconciliation_csv(day: str):
    """The day's reconciliation as CSV (storefront.exports: amounts in MAD, a BOM)."""
    when = _day(day.removesuffix(".csv"))
    body = services.report_csv(services.day_report(db.session, when), lang=current_lang())
    return csv_response(body, f"reconciliation-{when.isoformat()}.csv")
