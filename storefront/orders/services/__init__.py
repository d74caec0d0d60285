"""Order services for both sales channels; see placing.py and status.py."""

from .placing import DEFAULT_COMMISSION_BPS, create_order, new_order_number, take_stock
from .status import (
    cancel_order,
    flag_order,
    lock_order,
    mark_paid,
    mark_paid_after_release,
    order_by_number,
    order_by_token,
    refund_order_lines,
    release_stock,
)

__all__ = [
    "DEFAULT_COMMISSION_BPS",
    "cancel_order",
    "create_order",
    "flag_order",
    "lock_order",
    "mark_paid",
    "mark_paid_after_release",
    "new_order_number",
    "order_by_number",
    "order_by_token",
    "refund_order_lines",
    "release_stock",
    "take_stock",
]
