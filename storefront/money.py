"""Money as integer minor units, and its per-locale formatting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal, get_minus_sign_symbol

CURRENCY = "mad"
MINOR_PER_UNIT = 100


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (centimes) of one currency; never a float."""

    minor: int
    currency: str = CURRENCY

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money holds an int of minor units")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, times: int) -> Money:
        return Money(self.minor * int(times), self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError("cannot mix currencies")

    def format(self, locale: str = "fr") -> str:
        """Format for display, e.g. '1 250,00 MAD' in French (see format_money)."""
        return format_money(self.minor, locale, self.currency)


# Babel's English pattern glues the code to the digits ("MAD1,250.00"); ours puts it after.
EN_PATTERN = "#,##0.00\xa0¤"


def _babel_locale(locale: str) -> str:
    """Babel's locale for a shop language: Moroccan Arabic and French, English; else French."""
    return {"ar": "ar_MA", "en": "en"}.get(locale, "fr_MA")


@lru_cache(maxsize=8)
def _pattern(babel_locale: str) -> str:
    """The locale's currency pattern with its own minus sign in the negative part.

    Babel keeps the pattern's ASCII "-" as it is, but CLDR's minus sign for Moroccan Arabic is
    U+200E LEFT-TO-RIGHT MARK + "-": the mark ties the sign to the digits that follow it, so in
    right-to-left text "-12,50" stays in one piece instead of showing as "12,50-".
    """
    base = (
        EN_PATTERN
        if babel_locale == "en"
        else Locale.parse(babel_locale).currency_formats["standard"].pattern
    )
    positive, _, negative = base.partition(";")
    negative = negative or "-" + positive
    return f"{positive};{negative.replace('-', get_minus_sign_symbol(babel_locale), 1)}"


@lru_cache(maxsize=8192)
def format_money(minor: int, locale: str = "fr", currency: str = CURRENCY) -> str:
    """Format an amount in minor units for a locale (ar, fr, en; Arabic and French as in Morocco).

    -1250 gives "-12,50\xa0MAD" (fr), "-12.50\xa0MAD" (en) and "\u200f\u200e-12,50\xa0د.م.\u200f"
    (ar: CLDR's ar_MA pattern, the right-to-left mark first and the left-to-right mark of its
    minus sign before the digits). Negative amounts (refunds, paid-out, differences) must go
    through here whole; a "-" written before a formatted amount detaches in Arabic.
    """
    amount = Decimal(minor) / MINOR_PER_UNIT
    babel_locale = _babel_locale(locale)
    return format_currency(
        amount, currency.upper(), _pattern(babel_locale), locale=babel_locale, currency_digits=True
    )


# The largest amount any form may name: 999,999,999.99 MAD. Amounts are BIGINT columns, so
# sums of many such amounts still fit; a typed amount beyond it is a slip of the keyboard.
MAX_AMOUNT_MINOR = 999_999_999_99
AMOUNT = re.compile(r"([0-9]*)(?:\.([0-9]*))?")


def parse_amount(text: str, *, high: int = MAX_AMOUNT_MINOR) -> int:
    """Parse '12', '12.5' or '12,50' (MAD) into minor units, at most `high`.

    Raises ValueError on anything else: more than two decimals (refused rather than rounded),
    a sign, or digits other than 0-9 ("²" passes str.isdigit() but not int()).
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    match = AMOUNT.fullmatch(cleaned)
    if match is None or not cleaned.strip("."):
        raise ValueError(text)
    whole, frac = match.group(1).lstrip("0"), match.group(2) or ""
    if len(frac) > 2 or len(whole) > len(str(high // MINOR_PER_UNIT)):
        raise ValueError(text)
    minor = int(whole or "0") * MINOR_PER_UNIT + int((frac + "00")[:2])
    if minor > high:
        raise ValueError(text)
    return minor


def bps_of(minor: int, bps: int) -> int:
    """Return bps/10000 of an amount, rounded half up to the centime (amounts are non-negative)."""
    return (minor * bps + 5000) // 10000


BPS_PER_PERCENT = 100


def parse_percent(text: str) -> int:
    """Parse a rate typed in percent ('12', '12,5', '12.25') into basis points (1200, 1250, 1225).

    At most two decimals (a basis point is 0.01 %), from 0 to 100 %; anything else raises
    ValueError rather than being rounded.
    """
    cleaned = text.strip().replace("%", "").replace("\u066b", ".").strip().replace(",", ".")
    whole, dot, frac = cleaned.partition(".")
    if not whole.isdigit() or (dot and not frac.isdigit()) or len(frac) > 2 or len(whole) > 3:
        raise ValueError(text)
    bps = int(whole) * BPS_PER_PERCENT + int((frac + "00")[:2])
    if bps > 100 * BPS_PER_PERCENT:
        raise ValueError(text)
    return bps


def format_percent(bps: int, locale: str = "fr") -> str:
    """Basis points as a percent number for a locale, without the sign: 1250 -> '12,5' (fr)."""
    babel_locale = {"ar": "ar_MA", "fr": "fr_MA"}.get(locale, "en")
    return format_decimal(Decimal(bps) / BPS_PER_PERCENT, format="0.##", locale=babel_locale)
