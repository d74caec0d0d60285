"""Money as integer minor units, and its per-locale formatting."""

from __future__ import annotations

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


def format_grams_as_kg(grams: int, locale: str = "fr") -> str:
    """A weight in grams shown in kilograms with three decimals, with the separators of the
    locale amounts use: 1250 -> '1,250' (fr, ar), '1.250' (en). No floats: Decimal / 1000."""
    return format_decimal(Decimal(int(grams)) / 1000, format="0.000", locale=_babel_locale(locale))


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

# Digits an amount may be typed in: ASCII, Arabic-Indic (U+0660-U+0669, what Arabic keyboards
# type in Morocco and the Mashriq) and Eastern Arabic-Indic (U+06F0-U+06F9). One script per amount.
DIGIT_SCRIPTS = (
    "0123456789",
    "".join(map(chr, range(0x0660, 0x066A))),
    "".join(map(chr, range(0x06F0, 0x06FA))),
)
# Separators that can only mean one thing: spaces (plain, no-break U+00A0 and narrow no-break
# U+202F, which Babel writes for French) and the Arabic thousands separator U+066C group digits;
# the Arabic decimal separator U+066B marks the decimals.
GROUP_ONLY = " \u00a0\u202f\u066c"
ARABIC_DECIMAL = "\u066b"
GROUP, DECIMAL = "'", "."


def _marks(text: str) -> str:
    """Resolve "." and "," into GROUP or DECIMAL (the rule is parse_amount's docstring)."""
    latin = [c for c in text if c in ".,"]
    if not latin:
        return text
    if any(c in text for c in "\u066b\u066c"):
        raise ValueError(text)  # Arabic and Latin separators together: no reading is certain
    last = latin[-1]
    if len(set(latin)) == 2:
        decimal = last
    elif len(latin) > 1:
        decimal = None
    else:
        digits_after = len(text) - text.index(last) - 1
        decimal = None if digits_after == 3 else last
    return "".join(DECIMAL if c == decimal else GROUP if c in ".," else c for c in text)


class AmountTooLarge(ValueError):
    """A readable amount above the bound it was parsed against."""


def parse_amount(text: str, *, high: int = MAX_AMOUNT_MINOR) -> int:
    """Parse a typed amount of MAD into minor units (centimes), from 0 to `high` inclusive.

    Accepts `1250`, `1250.5`, `12,5`, `1 250,50`, `1.250,50`, `1,250.50`, Arabic-Indic
    `١٢٥٠٫٥٠` and `١٬٢٥٠`. The rule for "." and ",": when both appear, the last one is the
    decimal separator and the other groups thousands; when one of them appears more than once it
    groups thousands; when it appears once it groups thousands if exactly three digits follow it
    ("1.250" and "1,250" are 1250.00 MAD) and marks the decimals otherwise ("1,25" is 1.25).
    Spaces and U+066C always group, U+066B always marks the decimals. Groups after the first
    have exactly three digits.

    Raises ValueError for anything else: more than two decimals (refused rather than rounded),
    a sign, digits of another script (or of two scripts at once); AmountTooLarge (a
    ValueError) for a readable amount above `high`.
    """
    stripped = text.strip()
    for script in DIGIT_SCRIPTS:
        if any(c in script for c in stripped):
            break
    else:
        raise ValueError(text)
    ascii_digits = str.maketrans(script, "0123456789")
    allowed = set(script) | set(GROUP_ONLY) | set(".,") | {ARABIC_DECIMAL}
    if not set(stripped) <= allowed:
        raise ValueError(text)
    marked = _marks(stripped.translate(ascii_digits))
    marked = marked.replace(ARABIC_DECIMAL, DECIMAL)
    for char in GROUP_ONLY:
        marked = marked.replace(char, GROUP)
    whole, dot, frac = marked.partition(DECIMAL)
    if DECIMAL in frac or GROUP in frac or len(frac) > 2 or (dot and not frac):
        raise ValueError(text)
    groups = whole.split(GROUP)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or groups[0][0] == "0" or any(len(g) != 3 for g in groups[1:])
    ):
        raise ValueError(text)
    digits = "".join(groups).lstrip("0")
    if not (digits or frac or "0" in whole):
        raise ValueError(text)
    # The length is checked before int(), so a 10 KB run of digits costs nothing.
    if len(digits) > len(str(high // MINOR_PER_UNIT)):
        raise AmountTooLarge(text)
    minor = int(digits or "0") * MINOR_PER_UNIT + int((frac + "00")[:2])
    if minor > high:
        raise AmountTooLarge(text)
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
