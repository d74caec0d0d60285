"""Parsing the showroom's forms: denomination counts, amounts, text; errors keep the input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from storefront.inputs import parse_int
from storefront.money import parse_amount

from .models import DENOMINATIONS

# The most notes or coins of one kind a drawer count may name.
MAX_PIECES = 100_000


class FormErrors(dict):
    """Field name → translated message; empty when the form is valid."""


def parse_counts(form: MultiDict, errors: FormErrors, prefix: str = "n_") -> dict[int, int]:
    """Read one whole-number field per denomination (`n_20000` …); an empty field counts 0."""
    pieces: dict[int, int] = {}
    for denomination in DENOMINATIONS:
        name = f"{prefix}{denomination}"
        raw = (form.get(name) or "").strip()
        if not raw:
            pieces[denomination] = 0
        elif (count := parse_int(raw, high=MAX_PIECES)) is not None:
            pieces[denomination] = count
        else:
            errors[name] = _l("Enter a whole number, zero or more.")
    return pieces


def parse_money(form: MultiDict, name: str, errors: FormErrors, *, required: bool = False) -> int:
    """Read an amount in MAD ("12", "12.50", "12,50") as minor units; empty is 0 unless required."""
    raw = (form.get(name) or "").strip()
    if not raw:
        if required:
            errors[name] = _l("Enter an amount.")
        return 0
    try:
        return parse_amount(raw)
    except ValueError:
        errors[name] = _l("Enter an amount such as 120 or 120.50.")
        return 0


def parse_text(form: MultiDict, name: str, errors: FormErrors, *, required: bool = False,
               max_length: int = 200) -> str:  # fmt: skip
    """Read a trimmed text field of at most max_length characters."""
    value = (form.get(name) or "").strip()
    if required and not value:
        errors[name] = _l("This field is required.")
    elif len(value) > max_length:
        errors[name] = _l("At most %(n)s characters.", n=max_length)
    return value


def parse_form_key(form: MultiDict, name: str) -> str:
    """A form's one-time key (16 to 64 characters, as rendered), or "" when missing or malformed."""
    key = (form.get(name) or "").strip()
    return key if 16 <= len(key) <= 64 else ""
