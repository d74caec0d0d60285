"""The checkout form: contact, delivery choice and shipping address."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from storefront.inputs import stripped
from storefront.orders.models import Delivery

from .shipping import countries

REQUIRED = _l("Please fill this in.")


class CheckoutForm(FlaskForm):
    """Who is buying and how the pieces reach them; shipping fields are needed only to ship."""

    checkout_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    email = EmailField(
        _l("Email"),
        filters=[stripped],
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(_l("Please enter a valid email address."), check_deliverability=False),
        ],
    )
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    phone = TelField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9 ()./-]{6,}$", message=_l("Please enter a valid phone number.")),
        ],
    )
    delivery = RadioField(
        _l("Delivery"),
        choices=[
            SelectChoice(Delivery.PICKUP.value, _l("Pickup at the showroom in Guelmim (free)")),
            SelectChoice(Delivery.SHIP.value, _l("Shipping to my address")),
        ],
        # No default: the buyer chooses (a preselected pickup sent parcels nowhere).
        validators=[DataRequired(_l("Please choose pickup at the showroom or shipping."))],
    )
    line1 = StringField(_l("Address"), validators=[Length(max=200)])
    line2 = StringField(_l("Address, second line (optional)"), validators=[Length(max=200)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    postal_code = StringField(_l("Postal code"), validators=[Length(max=20)])
    # No Optional() here: it would stop validation on an empty country before validate_country
    # runs, and a parcel with no country would be charged the rest-of-the-world rate.
    country = SelectField(_l("Country"), validate_choice=False)

    def __init__(self, *args, lang: str = "fr", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(code, name) for code, name in countries(lang)),
        ]

    def known_countries(self) -> set[str]:
        """The country codes the list offers."""
        return {choice.value for choice in self.country.choices if choice.value}

    def validate_country(self, field) -> None:
        """A country from the list, required when shipping."""
        known = self.known_countries()
        field.data = (field.data or "").strip()
        if self.delivery.data == Delivery.SHIP and not field.data:
            raise ValidationError(_l("Please choose the country to ship to."))
        if field.data and field.data not in known:
            raise ValidationError(_l("Please choose a country from the list."))

    def validate_line1(self, field) -> None:
        """The street address, when shipping."""
        if self.delivery.data == Delivery.SHIP and not (field.data or "").strip():
            raise ValidationError(REQUIRED)

    def validate_city(self, field) -> None:
        """The city, when shipping."""
        if self.delivery.data == Delivery.SHIP and not (field.data or "").strip():
            raise ValidationError(REQUIRED)

    def address(self) -> dict:
        """The shipping address as create_order takes it."""
        return {
            "line1": (self.line1.data or "").strip(),
            "line2": (self.line2.data or "").strip(),
            "city": (self.city.data or "").strip(),
            "postal_code": (self.postal_code.data or "").strip(),
            "country": self.country.data or "",
        }


class PaymentDecisionForm(FlaskForm):
    """The test gateway's page: pay or decline (anything else does nothing)."""

    decision = SelectField(choices=[SelectChoice("pay", "pay"), SelectChoice("decline", "decline")])

    def chosen(self) -> str | None:
        """ "pay", "decline", or None when the form carried neither."""
        return self.decision.data if self.validate() else None


class AgainForm(FlaskForm):
    """After a declined payment: where to go once the pieces are back in the cart."""

    to = SelectField(
        choices=[SelectChoice("checkout", "checkout"), SelectChoice("cart", "cart")],
        validate_choice=False,
    )
