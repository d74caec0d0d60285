"""Routes of the cart area."""

from flask import Blueprint

bp = Blueprint("cart", __name__)
