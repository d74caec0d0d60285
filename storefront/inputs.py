"""Checks on every request's input: no control characters anywhere, and bounded parsers.

Every whole number, day or month read from a request goes through parse_int, parse_day or
parse_month here, and every `<int:...>` in a route through BoundedIntConverter.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, ValidationError
from wtforms import FieldList, IntegerField, StringField

from .errors import DomainError
from .extensions import MAX_ID
from .i18n import current_lang
from .money import MAX_AMOUNT_MINOR, MINOR_PER_UNIT, AmountTooLarge, format_money, parse_amount

# C0 controls and DEL. PostgreSQL refuses NUL in text, and no visitor types the others. Form
# values may hold tabs and line breaks (a description has paragraphs); paths and query values
# may not, since browsers drop them from URLs and a redirect would then mean something else.
CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadInput(DomainError):
    """A request carried characters no form or link of the shop can produce (400)."""

    status_code = 400


def _refuse() -> None:
    raise BadInput(_l("Your request contains characters we cannot accept. Please check it."))


def reject_control_characters() -> None:
    """Before every request: refuse control characters in the path, query and form (400).

    File uploads are not read here; their content is checked by the image pipeline.
    """
    if CONTROL_IN_URL.search(request.path):
        _refuse()
    for key, value in request.args.items(multi=True):
        if CONTROL_IN_URL.search(key) or CONTROL_IN_URL.search(value):
            _refuse()
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, value in request.form.items(multi=True):
            if CONTROL_IN_URL.search(key) or CONTROL_IN_FORM.search(value):
                _refuse()


def stripped(value: str | None) -> str | None:
    """A WTForms filter: the value without the spaces around it (a pasted email often has one)."""
    return value.strip() if isinstance(value, str) else value


def init_inputs(app: Flask) -> None:
    """Run the check first of all before-request functions; bound every `<int:...>` in a route.

    Called before the blueprints are registered, so their rules use the bounded converter.
    """
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request_funcs.setdefault(None, []).insert(0, reject_control_characters)


# Whole numbers a form or link of the shop can hold: ASCII digits only. str.isdigit() is true
# for "²" and "①", which int() refuses (a 500), and int() takes "١٢", "+1", "1_000" and " 1";
# none of these is what a field of ours sends, so all of them are refused alike.
ASCII_WHOLE = re.compile(r"[0-9]+")
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

# The days the shop can have records for. The edges of `date` (year 1, year 9999) have no day
# before or after them, so a page linking to its neighbours, or a time-zone shift, overflows;
# no sale of the centre is outside these years.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def parse_int(value: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number in ASCII digits between low and high inclusive; None for anything else.

    Surrounding spaces are allowed. The length is checked before converting, so a 10 KB run
    of digits costs nothing, and no number beyond `high` ever reaches SQL.
    """
    text = (value or "").strip()
    if not ASCII_WHOLE.fullmatch(text):
        return None
    # Leading zeros count towards Python's 4300-digit limit on int(): drop them first.
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(high)):
        return None
    number = int(digits)
    return number if low <= number <= high else None


def parse_day(value: str | None, *, low: date = FIRST_DAY, high: date = LAST_DAY) -> date | None:
    """A day written YYYY-MM-DD between low and high inclusive; None for anything else."""
    match = ISO_DAY.fullmatch((value or "").strip())
    if match is None:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if low <= day <= high else None


def parse_month(value: str | None, *, low: date = FIRST_DAY, high: date = LAST_DAY) -> date | None:
    """The first day of a month written YYYY-MM, within the days low..high; None otherwise."""
    match = ISO_MONTH.fullmatch((value or "").strip())
    if match is None:
        return None
    return parse_day(f"{match.group(1)}-{match.group(2)}-01", low=low.replace(day=1), high=high)


class BoundedIntConverter(IntegerConverter):
    """The `<int:...>` URL converter: ASCII digits only and at most MAX_ID, else a 404.

    Werkzeug's own matches `\\d+`, which takes any Unicode digit, and has no upper bound, so
    /admin/users/99999999999 would reach PostgreSQL as an out-of-range integer (a 500).
    """

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)

    def to_python(self, value: str):
        """The number, refused (404) before a long run of digits is converted."""
        if len(value.lstrip("-").lstrip("0")) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


# A field's input left blank, when the field has no value for blank (the default).
BLANK_IS_MISSING = object()


class WholeNumberField(IntegerField):
    """A form's whole-number field, read by parse_int between `low` and `high` (default 0..MAX_ID).

    WTForms' own IntegerField takes int() of anything: "١٢", and a 400-digit number that its
    NumberRange then turns into a float (OverflowError, a 500). `blank` is the value of a field
    left empty (a drawer count counts 0); without it an empty field is not a number. `message`
    replaces WTForms' "Not a valid integer value."; NumberRange validators still apply.
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        low: int = 0,
        high: int = MAX_ID,
        blank=BLANK_IS_MISSING,
        message=None,
        **kwargs,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.low, self.high, self.blank, self.message = low, high, blank, message

    def process_formdata(self, valuelist) -> None:
        """Keep the number, or None with the field's message when it is not one."""
        if not valuelist:
            return
        if self.blank is not BLANK_IS_MISSING and not valuelist[0].strip():
            self.data = self.blank
            return
        self.data = parse_int(valuelist[0], low=self.low, high=self.high)
        if self.data is None:
            raise ValueError(self.message or self.gettext("Not a valid integer value."))


class MoneyField(StringField):
    """An amount of MAD typed by a person; `data` is integer minor units, `blank` when left empty.

    Read by storefront.money.parse_amount (its docstring has the rule for "." and ","), at most
    `high` minor units (MAX_AMOUNT_MINOR unless a lower bound is passed). An unreadable amount
    (`message`) or one above `high` (`too_large`, given the formatted bound as `max`) is a field
    error that keeps what was typed; a required amount takes InputRequired (DataRequired would
    refuse 0).
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        high: int = MAX_AMOUNT_MINOR,
        blank=None,
        message=None,
        too_large=None,
        **kwargs,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.high, self.blank = high, blank
        self.message = message or _l("Enter an amount such as 120 or 120,50.")
        self.too_large = too_large or _l("Enter an amount of at most %(max)s.")

    def process_formdata(self, valuelist) -> None:
        """Keep the amount in minor units, or None with a message saying what to type."""
        if not valuelist:
            return
        text, self.data = valuelist[0], None
        if not text.strip():
            self.data = self.blank
            return
        try:
            self.data = parse_amount(text, high=self.high)
        except AmountTooLarge:
            highest = format_money(self.high, current_lang())
            raise ValueError(str(self.too_large) % {"max": highest}) from None
        except ValueError:
            raise ValueError(str(self.message)) from None

    def _value(self) -> str:
        """What the input shows: the typed text, or the amount as 1250.00."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data // MINOR_PER_UNIT}.{self.data % MINOR_PER_UNIT:02d}"


class RowList(FieldList):
    """A FieldList whose row numbers (`zone-3-price`) are read by parse_int, below max_entries.

    WTForms' own takes any key whose row part passes str.isdigit() and int()s it: "zone-²-price"
    is a ValueError (a 500), and a row number of 5,000 digits another.
    """

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        high = (self.max_entries or MAX_ID + 1) - 1
        for key in formdata:
            if key.startswith(prefix):
                index = parse_int(key[offset:].split(self._field_separator, 1)[0], high=high)
                if index is not None:
                    yield index
