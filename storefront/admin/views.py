"""Routes of the admin area."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import shipping  # noqa: E402,F401  (registers /admin/shipping on this blueprint)
