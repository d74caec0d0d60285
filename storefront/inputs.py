"""Checks on every request's input before any view runs: no control characters anywhere."""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from .errors import DomainError

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
    """Run the check first of all before-request functions."""
    app.before_request_funcs.setdefault(None, []).insert(0, reject_control_characters)
