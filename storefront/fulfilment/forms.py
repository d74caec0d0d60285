"""The desk's forms: the list's filters, shipping, cancelling, the scan box and carriers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from storefront.inputs import stripped
from storefront.orders.models import Carrier

from .desk import STATE_CHOICES
from .services import MAX_TRACKING

TOO_LONG = _l("At most %(max)d characters.")


class DeskFilterForm(FlaskForm):
    """The list's filters (a GET form: no CSRF token); unknown values fall back to the default."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("State"), choices=[SelectChoice(s, s) for s in STATE_CHOICES], default="open"
    )
    delivery = SelectField(
        _l("Delivery"),
        choices=[SelectChoice(v, v) for v in ("", "pickup", "ship")],
        default="",
    )
    overdue = BooleanField(_l("Overdue only"))
    q = StringField(_l("Number or name"), filters=[stripped])

    def chosen_state(self) -> str:
        """The state asked for, or "open"."""
        return self.state.data if self.state.data in STATE_CHOICES else "open"

    def chosen_delivery(self) -> str:
        """pickup, ship, or "" for both."""
        return self.delivery.data if self.delivery.data in ("pickup", "ship") else ""


class ActionForm(FlaskForm):
    """A button that moves the order on: only its CSRF token."""


class ShipForm(FlaskForm):
    """The carrier (from staff's list) and the tracking number."""

    carrier_id = SelectField(
        _l("Carrier"), coerce=int, validate_choice=True, validators=[DataRequired()]
    )
    tracking_number = StringField(
        _l("Tracking number"),
        filters=[stripped],
        validators=[
            DataRequired(message=_l("Enter the tracking number.")),
            Length(max=MAX_TRACKING, message=TOO_LONG),
            # What carriers print: Latin letters, digits, spaces and dashes (RR123456789MA).
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9 -]*$",
                message=_l("A tracking number has only letters, digits, spaces and dashes."),
            ),
        ],
    )

    def with_carriers(self, carriers: list[Carrier]) -> ShipForm:
        """Offer the active carriers."""
        self.carrier_id.choices = [SelectChoice(c.id, c.name) for c in carriers]
        return self


class CancelForm(FlaskForm):
    """Why the order is cancelled (kept in its history and the audit log)."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[stripped],
        validators=[
            DataRequired(message=_l("Give a reason for cancelling.")),
            Length(max=200, message=TOO_LONG),
        ],
    )


class ScanForm(FlaskForm):
    """What the scanner typed at the desk: the order page's address, or the order number."""

    code = StringField(
        _l("Scan the order's QR code or type its number"),
        filters=[stripped],
        validators=[
            DataRequired(message=_l("Scan the QR code or type the order number.")),
            Length(max=300, message=TOO_LONG),
        ],
    )


def _tracking_pattern(form, field) -> None:
    value = field.data or ""
    if value and (not value.startswith("https://") or "{number}" not in value):
        raise ValidationError(_l("Give an https:// address with {number} where the number goes."))


class CarrierForm(FlaskForm):
    """A carrier staff may choose: its name and tracking URL pattern."""

    name = StringField(
        _l("Name"),
        filters=[stripped],
        validators=[
            DataRequired(message=_l("Give the carrier's name.")),
            Length(max=80, message=TOO_LONG),
        ],
    )
    tracking_url = StringField(
        _l("Tracking address"),
        filters=[stripped],
        validators=[Optional(), Length(max=300, message=TOO_LONG), _tracking_pattern],
    )
    active = BooleanField(_l("Offered to staff"), default=True)
