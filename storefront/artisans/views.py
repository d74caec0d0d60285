"""Public artisan and shop pages."""

from flask import Blueprint

bp = Blueprint("artisans", __name__)


@bp.get("/zone")
def zone():
    """Zone map."""
    return "zone"
