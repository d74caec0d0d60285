"""Spreadsheet exports: the one CSV writer every download goes through.

Rules, for every file the shop hands out:

- Text that a spreadsheet would run as a formula (a cell starting with =, +, -, @, a tab or a
  carriage return) gets a leading apostrophe, so it shows as typed and never runs (OWASP's
  "CSV injection" advice). Numbers are not text: an `int` or a `Decimal` is written as the
  number it is, so a refund of -12.50 stays a negative number a sum can add. Money goes in as
  `mad(minor)`, a Decimal with two places and a dot, whatever the reader's language.
- Timestamps (naive UTC, as stored) are written in the centre's local time,
  "YYYY-MM-DD HH:MM"; days as YYYY-MM-DD.
- The file is UTF-8 with a byte-order mark, so Excel reads Arabic names right, and is served
  as `text/csv; charset=utf-8`, as an attachment with a plain ASCII file name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response

from .timeutil import to_local

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def mad(minor: int) -> Decimal:
    """An amount in minor units as a number of MAD with two places: mad(-1250) -> -12.50."""
    return Decimal(int(minor)).scaleb(-2)


def cell(value: object) -> str | int:
    """One cell as written: numbers as numbers, times local, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return to_local(value).strftime(LOCAL_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The header and rows as CSV text (no BOM; csv_response adds it), every cell through cell()."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(name) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def safe_filename(name: str, default: str = "export.csv") -> str:
    """`name` cut to ASCII letters, digits, dot, dash and underscore, ending in .csv."""
    stem = _UNSAFE_NAME.sub("-", name.removesuffix(".csv")).strip(".-")[:100]
    return f"{stem}.csv" if stem else default


def csv_response(body: str, filename: str) -> Response:
    """A download of CSV text: UTF-8 with a BOM, text/csv, attachment with a safe file name."""
    return Response(
        (BOM + body).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe_filename(filename)}"'},
    )
