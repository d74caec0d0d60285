"""The artisan's money: balance split, payouts received, monthly statements in HTML and PDF.

Registered on the dashboard blueprint; each artisan sees only their own book.
"""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.access import artisan_required
from storefront.extensions import db
from storefront.i18n import current_lang
from storefront.inputs import FIRST_DAY, LAST_DAY, BadInput, parse_month
from storefront.ledger.balances import return_windows
from storefront.ledger.statements import statement_for, statement_months

from .money import money_summary
from .pdf import statement_pdf
from .views import bp


def _month(raw: str) -> date:
    first = parse_month(raw)
    if first is None:
        raise BadInput(
            _(
                "Months look like 2025-01, between %(first)s and %(last)s.",
                first=FIRST_DAY.strftime("%Y-%m"),
                last=LAST_DAY.strftime("%Y-%m"),
            )
        )
    return first


def _statement(raw: str):
    return statement_for(
        db.session,
        current_user.artisan_id,
        _month(raw),
        return_windows(current_app.config),
        lang=current_lang(),
    )


@bp.get("/statements")
@artisan_required
def statements():
    """My monthly statements, newest first, with my balance now."""
    return render_template(
        "dashboard/statements.html",
        months=statement_months(db.session, current_user.artisan_id),
        **money_summary(current_user.artisan_id),
    )


@bp.get("/statements/<string:month>")
@artisan_required
def statement(month: str):
    """One month's statement: opening, each entry, closing, available and pending."""
    return render_template("dashboard/statement.html", statement=_statement(month))


@bp.get("/statements/<string:month>.pdf")
@artisan_required
def statement_download(month: str):
    """One month's statement as a PDF file, in my language (WeasyPrint)."""
    found = _statement(month)
    body = statement_pdf(
        render_template("dashboard/statement_pdf.html", statement=found, lang=current_lang())
    )
    name = f"statement-{found.month:%Y-%m}.pdf"
    return Response(
        body,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
