"""The managers' reports at /admin/reports: any range of days, grouped, charted, exported.

Registered on the admin blueprint; managers only. Days are the centre's (TIMEZONE).
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from storefront.accounts.access import admin_required
from storefront.artisans.models import Artisan
from storefront.catalog.models import Craft
from storefront.errors import NotFound
from storefront.exports import csv_response, mad, write_csv
from storefront.extensions import db
from storefront.i18n import current_lang, tr
from storefront.inputs import BadInput, parse_day
from storefront.ledger.reports import (
    GROUPINGS,
    Figures,
    Period,
    figures_by,
    sales_over_time,
    totals,
)
from storefront.orders.models import OrderLine
from storefront.timeutil import local_date

from .report_chart import time_chart
from .views import bp

BEST_SELLERS = 20
# The longest range a report covers: about five years of days.
MAX_DAYS = 5 * 366


def _period() -> Period:
    """The range asked for (?from=YYYY-MM-DD&to=YYYY-MM-DD), the month so far by default."""
    today = local_date()
    raw_from, raw_to = request.args.get("from", ""), request.args.get("to", "")
    first = parse_day(raw_from) if raw_from.strip() else today.replace(day=1)
    last = parse_day(raw_to) if raw_to.strip() else today
    if first is None or last is None:
        raise BadInput(_("Days look like 2026-03-31."))
    if last < first:
        raise BadInput(_("The first day must come before the last."))
    if (last - first).days >= MAX_DAYS:
        raise BadInput(_("A report covers at most five years."))
    return Period(first, last)


def _labels(grouping: str, keys) -> dict:
    """Readable names for a grouping's keys, in the page's language."""
    lang = current_lang()
    if grouping == "channel":
        return {k: (_("Showroom") if k == "showroom" else _("Online")) for k in keys}
    if grouping == "craft":
        crafts = db.session.scalars(select(Craft).where(Craft.slug.in_(list(keys)))).all()
        names = {c.slug: tr(c, "name", lang) for c in crafts}
        return {k: names.get(k) or k or "—" for k in keys}
    if grouping == "artisan":
        makers = db.session.scalars(select(Artisan).where(Artisan.id.in_(list(keys)))).all()
        names = {a.id: a.display_name(lang) for a in makers}
        return {k: names.get(k, str(k)) for k in keys}
    if grouping == "shop":
        return {k: _("Shop %(n)s", n=k) for k in keys}
    titles = {}
    for line in db.session.scalars(
        select(OrderLine).where(OrderLine.sku.in_(list(keys))).order_by(OrderLine.id.desc())
    ):
        titles.setdefault(line.sku, f"{line.title_in(lang)} ({line.sku})")
    return {k: titles.get(k, k) for k in keys}


def _table(grouping: str, period: Period, previous: Period) -> list[tuple[str, Figures, Figures]]:
    """(label, this period, previous period) rows, largest sales first."""
    now, before = (
        figures_by(db.session, period, grouping),
        figures_by(db.session, previous, grouping),
    )
    keys = set(now) | set(before)
    if grouping == "piece":
        keys = sorted(now, key=lambda k: (-now[k].sales, str(k)))[:BEST_SELLERS]
    labels = _labels(grouping, keys)
    rows = [(labels[k], now.get(k, Figures()), before.get(k, Figures())) for k in keys]
    return sorted(rows, key=lambda r: (-r[1].sales, -r[2].sales, str(r[0])))


@bp.get("/reports")
@admin_required
def reports():
    """Sales of any range by channel, craft, artisan, shop and piece, beside the period before."""
    period = _period()
    previous = period.previous()
    over_time = sales_over_time(db.session, period)
    before_time = sales_over_time(db.session, previous)
    chart = time_chart(
        [format_date(bucket.first, "d MMM") for bucket, _sales in over_time],
        [sales for _bucket, sales in over_time],
        [sales for _bucket, sales in before_time],
    )
    return render_template(
        "admin/reports.html",
        period=period,
        previous=previous,
        total=totals(db.session, period),
        total_before=totals(db.session, previous),
        tables={grouping: _table(grouping, period, previous) for grouping in GROUPINGS},
        chart=chart,
        query={"from": period.first.isoformat(), "to": period.last.isoformat()},
    )


CSV_COLUMNS = (
    "name",
    "units",
    "sales_mad",
    "commission_mad",
    "owed_mad",
    "previous_units",
    "previous_sales_mad",
    "previous_commission_mad",
    "previous_owed_mad",
)


@bp.get("/reports/<string:grouping>.csv")
@admin_required
def report_csv(grouping: str):
    """One table of the report as a spreadsheet file (storefront.exports)."""
    if grouping not in GROUPINGS:
        raise NotFound(_("There is no such report."))
    period = _period()
    rows = (
        (
            label,
            now.units,
            mad(now.sales),
            mad(now.commission),
            mad(now.owed),
            before.units,
            mad(before.sales),
            mad(before.commission),
            mad(before.owed),
        )  # fmt: skip
        for label, now, before in _table(grouping, period, period.previous())
    )
    name = f"report-{grouping}-{period.first}-{period.last}.csv"
    return csv_response(write_csv(CSV_COLUMNS, rows), name)
