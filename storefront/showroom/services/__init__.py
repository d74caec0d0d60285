"""Showroom services: the drawer, the point of sale, returns, labels and the day's report."""

from storefront.timeutil import local_date

from .closing import close_register, record_adjustment, sign_off
from .drawer import (
    DrawerSummary,
    count_total,
    drawer_summary,
    hold_open,
    movement_by_key,
    open_register,
    open_session_for,
    record_cash_movement,
)
from .labels import products_for_labels, qr_svg
from .reports import DayReport, day_report, report_csv
from .returns import refund_at_counter, refund_by_key, refund_cancelled_order, refund_methods
from .sales import (
    DISCOUNT_APPROVAL_BPS,
    Quote,
    Tender,
    approve_discount,
    find_by_scan,
    quote_basket,
    record_showroom_sale,
    sale_by_key,
    search_products,
)

__all__ = [
    "DISCOUNT_APPROVAL_BPS",
    "DayReport",
    "DrawerSummary",
    "Quote",
    "Tender",
    "approve_discount",
    "close_register",
    "count_total",
    "day_report",
    "drawer_summary",
    "find_by_scan",
    "hold_open",
    "local_date",
    "movement_by_key",
    "open_register",
    "open_session_for",
    "products_for_labels",
    "qr_svg",
    "quote_basket",
    "record_adjustment",
    "record_cash_movement",
    "record_showroom_sale",
    "refund_at_counter",
    "refund_cancelled_order",
    "refund_by_key",
    "refund_methods",
    "report_csv",
    "sale_by_key",
    "search_products",
    "sign_off",
]
