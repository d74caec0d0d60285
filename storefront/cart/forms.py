"""The cart's forms: add a piece, change the quantities."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional

from storefront.catalog.models import MAX_STOCK
from storefront.extensions import MAX_ID
from storefront.inputs import WholeNumberField


class AddToCartForm(FlaskForm):
    """One piece and how many (1 when the quantity is missing, 0 or not a number)."""

    product_id = WholeNumberField(high=MAX_ID)
    quantity = WholeNumberField(high=MAX_STOCK, validators=[Optional()])
    next = HiddenField()

    def pieces(self) -> int:
        """How many to add: the quantity typed, or 1."""
        return (None if self.quantity.errors else self.quantity.data) or 1


class CartQuantitiesForm(FlaskForm):
    """One `qty-<product id>` field per piece in the cart; 0 removes a piece.

    Build it with `for_keys(the cart's keys)`; a quantity that is missing or not a whole
    number from 0 to MAX_STOCK leaves its piece as it was.
    """

    @classmethod
    def for_keys(cls, keys: list[str]) -> CartQuantitiesForm:
        """The form for a cart holding these product ids (as the session stores them)."""
        fields = {
            f"qty-{key}": WholeNumberField(high=MAX_STOCK, validators=[Optional()]) for key in keys
        }
        return type("CartLinesForm", (cls,), fields)()

    def quantities(self) -> dict[str, int]:
        """Product id (as stored in the cart) → the quantity typed, for every valid one."""
        found = {}
        for field in self:
            if field.name.startswith("qty-") and field.raw_data and not field.errors:
                if field.data is not None:
                    found[field.name.removeprefix("qty-")] = field.data
        return found
