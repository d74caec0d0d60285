"""Routes of the showroom area."""

from flask import Blueprint

bp = Blueprint("showroom", __name__, url_prefix="/staff")
