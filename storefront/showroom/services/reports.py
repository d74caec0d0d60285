"""The day's reconciliation: sessions, takings by method, per-artisan totals, online beside them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storefront.catalog.models import Craft
from storefront.exports import mad, write_csv
from storefront.ledger.services import net_of_refunds
from storefront.orders.models import Channel, Order, OrderLine
from storefront.timeutil import local_day_bounds

from ..models import CashMovement, MovementKind, Reconciliation, RegisterSession
from .drawer import DrawerSummary, drawer_summary


@dataclass
class SessionReport:
    """One register session of the day with its takings and, once closed, its counts."""

    register_session: RegisterSession
    summary: DrawerSummary
    reconciliation: Reconciliation | None
    adjustments: list[CashMovement]


@dataclass
class ArtisanRow:
    """What one artisan sold that day; money in minor units."""

    artisan_id: int
    name: str
    shop_number: int
    showroom_pieces: int = 0
    showroom_gross: int = 0
    commission: int = 0
    share: int = 0
    online_pieces: int = 0
    online_gross: int = 0
    # The maker's name in Arabic script, when known (the line's snapshot).
    name_ar: str | None = None

    def display_name(self, lang: str) -> str:
        """The name in Arabic script for Arabic pages when known, otherwise the Latin one."""
        return self.name_ar if (lang == "ar" and self.name_ar) else self.name


@dataclass
class DayReport:
    """Everything on the reconciliation page for one local day."""

    day: date
    sessions: list[SessionReport]
    artisans: list[ArtisanRow]
    crafts: list[tuple[Craft | None, str, int, int]]  # craft, slug, showroom gross, online gross
    online_orders: int
    showroom_orders: int
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def all_signed_off(self) -> bool:
        """Whether every session of the day is locked by a manager's sign-off."""
        return bool(self.sessions) and all(
            s.reconciliation is not None and s.reconciliation.signed_off_at is not None
            for s in self.sessions
        )


def _lines(session: Session, *conditions) -> list[tuple[OrderLine, str]]:
    stmt = (
        select(OrderLine, Order.channel)
        .join(Order, OrderLine.order_id == Order.id)
        .where(Order.paid_at.is_not(None), *conditions)
        .order_by(OrderLine.id)
    )
    return [(line, channel) for line, channel in session.execute(stmt)]


def day_report(session: Session, day: date) -> DayReport:
    """Build a day's reconciliation from the sessions opened that day and the day's online sales.

    Showroom figures follow the sessions (by the day they were opened); online sales are those
    paid between local midnight and midnight. Pieces, gross (net of discount), commission and
    share are net of the refunds of those sales, whenever refunded, by ledger.services'
    net_of_refunds: the figures the ledger holds for the lines, so a sale refunded in full
    leaves 0.00 for its artisan.
    """
    sessions = list(
        session.scalars(
            select(RegisterSession)
            .where(RegisterSession.business_date == day)
            .options(
                selectinload(RegisterSession.reconciliation),
                selectinload(RegisterSession.movements),
            )
            .order_by(RegisterSession.register, RegisterSession.id)
        )
    )
    reports = [
        SessionReport(
            register_session=s,
            summary=drawer_summary(session, s),
            reconciliation=s.reconciliation,
            adjustments=[m for m in s.movements if m.kind == MovementKind.ADJUSTMENT],
        )
        for s in sessions
    ]
    start, end = local_day_bounds(day)
    rows = _lines(session, Order.register_session_id.in_([s.id for s in sessions]))
    rows += _lines(
        session, Order.channel == Channel.ONLINE, Order.paid_at >= start, Order.paid_at < end
    )
    artisans: dict[int, ArtisanRow] = {}
    by_craft: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    orders = {Channel.SHOWROOM: set(), Channel.ONLINE: set()}
    for line, channel in rows:
        row = artisans.setdefault(
            line.artisan_id,
            ArtisanRow(
                line.artisan_id, line.artisan_name, line.shop_number, name_ar=line.artisan_name_ar
            ),
        )
        orders[channel].add(line.order_id)
        pieces = line.quantity - line.refunded_quantity
        gross, commission = net_of_refunds(line)
        if channel == Channel.SHOWROOM:
            row.showroom_pieces += pieces
            row.showroom_gross += gross
            row.commission += commission
            row.share += gross - commission
            by_craft[line.craft_slug][0] += gross
        else:
            row.online_pieces += pieces
            row.online_gross += gross
            by_craft[line.craft_slug][1] += gross
    crafts = {c.slug: c for c in session.scalars(select(Craft).where(Craft.slug.in_(by_craft)))}
    report = DayReport(
        day=day,
        sessions=reports,
        artisans=sorted(artisans.values(), key=lambda r: (r.shop_number, r.name)),
        crafts=sorted(
            ((crafts.get(slug), slug, s, o) for slug, (s, o) in by_craft.items()),
            key=lambda c: -(c[2] + c[3]),
        ),
        online_orders=len(orders[Channel.ONLINE]),
        showroom_orders=len(orders[Channel.SHOWROOM]),
    )
    report.totals = _totals(report)
    return report


def _totals(report: DayReport) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for item in report.sessions:
        s = item.summary
        for name in ("float_minor", "cash_sales", "cash_refunds", "paid_in", "paid_out"):
            totals[name] += getattr(s, name)
        totals["card_sales"] += s.card_sales
        totals["card_refunds"] += s.card_refunds
        totals["expected_cash"] += s.expected_cash
        totals["expected_card"] += s.expected_card
        totals["adjustments"] += sum(m.amount_minor for m in item.adjustments)
        if item.reconciliation is not None:
            rec = item.reconciliation
            totals["counted_cash"] += rec.counted_cash_minor
            totals["cash_difference"] += rec.cash_difference_minor
            totals["card_batch"] += rec.card_batch_total_minor
            totals["card_difference"] += rec.card_difference_minor
    for row in report.artisans:
        for name in ("showroom_pieces", "showroom_gross", "commission", "share"):
            totals[name] += getattr(row, name)
        totals["online_pieces"] += row.online_pieces
        totals["online_gross"] += row.online_gross
    return dict(totals)


CSV_COLUMNS = (
    "section", "key", "name", "pieces", "gross", "commission", "share", "online_pieces",
    "online_gross", "cash_sales", "card_sales", "expected_cash", "counted_cash",
    "cash_difference", "expected_card", "card_batch", "card_difference", "signed_off",
    "opened_at", "closed_at",
)  # fmt: skip


def report_csv(report: DayReport, *, lang: str = "fr") -> str:
    """The report as CSV: one row per session, per artisan and for the day.

    Written by storefront.exports: amounts are MAD numbers (mad), opened_at and closed_at the
    centre's local time, names guarded against formulas. Makers' names are in `lang`'s script
    (Arabic for ar when known, else Latin).
    """
    return write_csv(CSV_COLUMNS, _csv_rows(report, lang))


def _csv_rows(report: DayReport, lang: str):
    for item in report.sessions:
        s, rec, rs = item.summary, item.reconciliation, item.register_session
        counted = [mad(rec.counted_cash_minor), mad(rec.cash_difference_minor)] if rec else ["", ""]
        batch = (
            [mad(rec.card_batch_total_minor), mad(rec.card_difference_minor)] if rec else ["", ""]
        )
        yield [
            "session", rs.id, f"register {rs.register}", "", "", "", "", "", "",
            mad(s.cash_sales - s.cash_refunds), mad(s.card_sales - s.card_refunds),
            mad(s.expected_cash), *counted, mad(s.expected_card), *batch,
            bool(rec and rec.signed_off_at), rs.opened_at, rec.closed_at if rec else None,
        ]  # fmt: skip
    for row in report.artisans:
        yield [
            "artisan", row.shop_number, row.display_name(lang), row.showroom_pieces,
            mad(row.showroom_gross), mad(row.commission), mad(row.share), row.online_pieces,
            mad(row.online_gross),
        ] + [""] * 11  # fmt: skip
    t = report.totals
    yield [
        "day", report.day, "", t.get("showroom_pieces", 0), mad(t.get("showroom_gross", 0)),
        mad(t.get("commission", 0)), mad(t.get("share", 0)), t.get("online_pieces", 0),
        mad(t.get("online_gross", 0)), mad(t.get("cash_sales", 0) - t.get("cash_refunds", 0)),
        mad(t.get("card_sales", 0) - t.get("card_refunds", 0)), mad(t.get("expected_cash", 0)),
        mad(t.get("counted_cash", 0)), mad(t.get("cash_difference", 0)),
        mad(t.get("expected_card", 0)), mad(t.get("card_batch", 0)),
        mad(t.get("card_difference", 0)), report.all_signed_off, "", "",
    ]  # fmt: skip
