"""Public catalog pages."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home():
    """Home page."""
    return "home"


@bp.get("/products")
def products():
    """Catalog."""
    return "products"
