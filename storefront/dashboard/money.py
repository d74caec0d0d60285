"""The balance block of the artisan's pages: available, pending, paid and recent payouts."""

from __future__ import annotations

from flask import current_app

from storefront.extensions import db
from storefront.ledger.balances import balance_of, return_windows
from storefront.ledger.statements import payouts_received


def money_summary(artisan_id: int) -> dict:
    """Template values for dashboard/_balance.html: split, windows and the latest payouts."""
    windows = return_windows(current_app.config)
    return {
        "split": balance_of(db.session, artisan_id, windows),
        "windows": windows,
        "payouts": payouts_received(db.session, artisan_id, limit=10),
    }
