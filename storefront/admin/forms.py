"""Managers' forms: invitations, artisan profiles, roles and shipping rates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from storefront.artisans.models import SHOP_COUNT
from storefront.catalog.models import MAX_WEIGHT_GRAMS
from storefront.checkout.models import ShippingZone
from storefront.i18n import current_lang
from storefront.inputs import MoneyField, RowList, WholeNumberField, stripped
from storefront.ledger.rib import is_valid_rib, normalise_rib
from storefront.money import format_percent, parse_percent
from storefront.showroom.forms import OneTimeKeyField


class PercentField(StringField):
    """A rate typed in percent ("12", "12,5" or "12.5"); `data` holds basis points, None if empty.

    Managers think in percent, the book stores basis points (1250 = 12.5 %): the conversion is
    exact (two decimals at most, 0 to 100 %), never rounded.
    """

    def process_formdata(self, valuelist):
        """Read the typed percent as basis points; an unreadable value is a field error."""
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = parse_percent(text)
            except ValueError as exc:
                raise ValueError(
                    _l("Enter a percentage from 0 to 100, such as 12 or 12,5.")
                ) from exc

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_percent(self.data, current_lang()) if self.data is not None else ""


class InvitationForm(FlaskForm):
    """Who to invite, and as what."""

    email = EmailField(
        _l("Email"), filters=[stripped], validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("artisan", _l("Artisan")),
            SelectChoice("staff", _l("Showroom staff")),
            SelectChoice("admin", _l("Manager")),
        ],
    )
    artisan_id = SelectField(_l("Artisan (for an artisan account)"), coerce=int, default=0)


class ArtisanForm(FlaskForm):
    """An artisan's public profile, shop, commission and status."""

    name = StringField(_l("Name (Latin letters)"), validators=[DataRequired(), Length(max=120)])
    name_ar = StringField(_l("Name (Arabic)"), validators=[Optional(), Length(max=120)])
    bio_ar = TextAreaField(_l("Story (Arabic)"), validators=[Length(max=5000)])
    bio_fr = TextAreaField(_l("Story (French)"), validators=[Length(max=5000)])
    bio_en = TextAreaField(_l("Story (English)"), validators=[Length(max=5000)])
    shop_number = WholeNumberField(
        _l("Shop number"), validators=[DataRequired(), NumberRange(1, SHOP_COUNT)]
    )
    commission = PercentField(_l("Commission in % (empty: the centre's default)"))
    rib = StringField(
        _l("RIB for bank transfers (24 digits)"),
        filters=[lambda value: normalise_rib(value) or None],
        validators=[Optional()],
    )
    active = BooleanField(_l("Active"))

    def validate_rib(self, field) -> None:
        """24 digits whose last two are the key of the others (storefront.ledger.rib)."""
        if field.data and not is_valid_rib(field.data):
            raise ValidationError(
                _l("A RIB has 24 digits and its last two are its key: check each digit.")
            )


class RoleForm(FlaskForm):
    """A back-office account's role: showroom staff or manager."""

    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("staff", _l("Showroom staff")), SelectChoice("admin", _l("Manager"))],
        invalid_choice_message=_l("Only staff and managers can change role."),
    )


ROWS_PER_ZONE = 5


class RateRowForm(Form):
    """One shipping rate: up to how many grams, for what price (MAD); both blank to skip it."""

    grams = WholeNumberField(low=1, high=MAX_WEIGHT_GRAMS, validators=[Optional()])
    price = MoneyField(validators=[Optional()])

    def step(self) -> tuple[int, int] | None:
        """(grams, price in minor units), or None for a blank row; ValueError if half filled."""
        typed = [bool(f.raw_data and f.raw_data[0].strip()) for f in (self.grams, self.price)]
        if not any(typed):
            return None
        if not all(typed) or self.grams.errors or self.price.errors:
            raise ValueError(self.grams.raw_data)
        return self.grams.data, self.price.data


def _zone_rows() -> RowList:
    return RowList(FormField(RateRowForm), min_entries=ROWS_PER_ZONE, max_entries=ROWS_PER_ZONE)


class ShippingRatesForm(FlaskForm):
    """Up to ROWS_PER_ZONE rates per shipping zone, in fields named `<zone>-<row>-grams|price`."""

    def steps(self, zone: str) -> tuple[list[tuple[int, int]], list[str]]:
        """A zone's (grams, price) rows, blank ones skipped, and one message per bad row."""
        steps, errors = [], []
        for index, row in enumerate(self[zone].entries):
            try:
                step = row.form.step()
            except ValueError:
                errors.append(
                    _l("Row %(row)d: enter a weight in grams and a price.", row=index + 1)
                )
                continue
            if step is not None:
                steps.append(step)
        return steps, errors


for _zone in ShippingZone:
    setattr(ShippingRatesForm, _zone.value, _zone_rows())


class ResolveForm(FlaskForm):
    """Resolve an item of the attention queue: what was done, in the manager's words."""

    note = TextAreaField(
        _l("What was done"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Write what was done, so the next person knows.")),
            Length(max=1000),
        ],
    )
    # The flagged order's reason as it was shown (attention.reason_seal); empty for other items.
    seal = HiddenField(validators=[Length(max=64)])


class ResendForm(FlaskForm):
    """Send a failed message again (a note is optional)."""

    note = TextAreaField(_l("Note (optional)"), filters=[stripped], validators=[Length(max=1000)])


MAX_PAYOUT_ROWS = 500


class PayoutRowForm(Form):
    """One artisan in a payout run: pay or not, how much (MAD) and how."""

    artisan_id = WholeNumberField(low=1)
    pay = BooleanField(_l("Pay"))
    amount = MoneyField(_l("Amount"), validators=[Optional()])
    method = SelectField(
        _l("How"),
        choices=[
            SelectChoice("cash", _l("Cash at the desk")),
            SelectChoice("transfer", _l("Bank transfer")),
        ],
        invalid_choice_message=_l("Choose cash or bank transfer."),
    )
    bank_reference = StringField(
        _l("Bank or receipt reference"), filters=[stripped], validators=[Length(max=64)]
    )


class PayoutRunForm(FlaskForm):
    """The payout run: one row per artisan with money available, and the form's one-time key."""

    form_key = OneTimeKeyField()
    rows = RowList(FormField(PayoutRowForm), max_entries=MAX_PAYOUT_ROWS)


class ReturnedTransferForm(FlaskForm):
    """Why the bank sent a transfer back."""

    reason = StringField(
        _l("Why the bank sent it back"),
        filters=[stripped],
        validators=[DataRequired(), Length(max=150)],
    )
