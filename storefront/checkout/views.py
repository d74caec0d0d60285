"""Routes of the checkout area."""

from flask import Blueprint

bp = Blueprint("checkout", __name__)
