"""Jinja filters and globals shared by every page."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from babel.dates import get_day_names
from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l

from .i18n import current_lang
from .money import format_grams_as_kg, format_money, format_percent

STATUS_LABELS = {
    "draft": _l("Draft"),
    "pending_review": _l("Waiting for review"),
    "active": _l("Live"),
    "archived": _l("Archived"),
    "rejected": _l("Rejected"),
    "pending_payment": _l("Waiting for payment"),
    "paid": _l("Paid"),
    "preparing": _l("Being prepared"),
    "ready_for_pickup": _l("Ready for pickup"),
    "collected": _l("Collected"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "payment_failed": _l("Payment failed"),
    "cancelled": _l("Cancelled"),
    "fulfilled": _l("Completed"),
    "refunded": _l("Refunded"),
    "partially_refunded": _l("Partly refunded"),
}

# What each kind of order event is called in an order's history.
EVENT_LABELS = {
    "created": _l("Order placed"),
    "paid": _l("Paid"),
    "paid_late": _l("Paid after the hold ended"),
    "flagged": _l("Flagged for staff"),
    "stock_released": _l("Pieces back in stock"),
    "refunded": _l("Refunded"),
    "payment_failed": _l("Payment failed"),
    "cancelled": _l("Cancelled"),
    "piece_received": _l("Piece received at the desk"),
    "preparing": _l("Being prepared"),
    "ready_for_pickup": _l("Ready for pickup"),
    "collected": _l("Collected"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
}


def event_label(kind: str) -> str:
    """The translated name of an order event's kind."""
    return str(EVENT_LABELS.get(kind, kind))


def kg(grams: int | None) -> str:
    """Grams shown as kilograms with three decimals in the request's language: 1250 -> '1,250'."""
    return format_grams_as_kg(int(grams or 0), current_lang())


def money_filter(minor: int | None) -> str:
    """Format minor units in the request's language."""
    return format_money(int(minor or 0), current_lang())


def percent_filter(bps: int | None) -> str:
    """A rate stored in basis points shown in percent for the page's language: 1250 -> '12,5 %'."""
    return format_percent(int(bps or 0), current_lang()) + "\u00a0%"


def status_label(status: str) -> str:
    """The translated name of a product or order status."""
    return str(STATUS_LABELS.get(status, status))


def url_with(**changes) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(args)
    return request.path + ("?" + query if query else "")


def media_url(path: str) -> str:
    """Public URL of a file under MEDIA_ROOT (MEDIA_URL may point at a CDN later)."""
    return current_app.config.get("MEDIA_URL", "/media/") + path


def card_options() -> dict[str, str]:
    """What the catalog's card loaders need of the request: its language and the photos' URL."""
    return {"lang": current_lang(), "media_base": media_url("products/")}


def weekday_name(iso_weekday: int) -> str:
    """The name of an ISO weekday (1 = Monday) in the request's language."""
    return get_day_names("wide", locale=get_locale())[(iso_weekday - 1) % 7]


def _date(value, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def _datetime(value, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if isinstance(value, datetime) else ""


def _from_json(value: str) -> list:
    return sorted(json.loads(value or "{}").items())


def init_templating(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.filters.update(
        money=money_filter,
        percent=percent_filter,
        date=_date,
        datetime=_datetime,
        time=lambda value: format_time(value, "short") if value else "",
        fromjson=_from_json,
    )
    app.jinja_env.globals.update(
        url_with=url_with,
        status_label=status_label,
        event_label=event_label,
        kg=kg,
        media_url=media_url,
        weekday_name=weekday_name,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
