"""The showroom's forms: the till's Pay and basket forms, drawer counts, cash movements, returns.

Every form is a Flask-WTF form; amounts are MoneyFields (minor units), counts and quantities
WholeNumberFields, both read by the shop's one parser for each (storefront.inputs).
`errors_of(form)` gives the templates one message per field name, next to the field.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from storefront.catalog.models import MAX_STOCK
from storefront.i18n import LANGUAGES, current_lang
from storefront.inputs import MoneyField, WholeNumberField, stripped

from .models import DENOMINATIONS, MovementKind

# The most notes or coins of one kind a drawer count may name.
MAX_PIECES = 100_000
TOO_LONG = _l("At most %(max)d characters.")


class FormErrors(dict):
    """Field name → translated message; "form" holds what concerns the whole form."""


def errors_of(form: FlaskForm | None) -> FormErrors:
    """The first message of each field in error, keyed by the field's name."""
    errors = FormErrors()
    for field in form or ():
        if field.errors:
            errors[field.name] = field.errors[0]
    return errors


def new_form_key() -> str:
    """A fresh one-time key for a form page (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class OneTimeKeyField(HiddenField):
    """A form's one-time key: what it records is stored under it, so a repeat finds the first.

    `data` is the key sent back (16 to 64 characters, as rendered), "" when missing or
    malformed; a page renders `key()`, which keeps a well-formed key and makes a new one otherwise.
    """

    def process_formdata(self, valuelist) -> None:
        """Keep a well-formed key, else ""."""
        key = (valuelist[0] if valuelist else "").strip()
        self.data = key if 16 <= len(key) <= 64 else ""

    def key(self) -> str:
        """The key to render: the one sent, when it was well formed, or a new one."""
        if not self.data:
            self.data = new_form_key()
        return self.data


def _text(label, *, required: bool = False, max_length: int = 200, area: bool = False):
    """A trimmed text field of at most max_length characters, optionally required."""
    validators = [DataRequired(_l("This field is required."))] if required else [Optional()]
    validators.append(Length(max=max_length, message=TOO_LONG))
    return (TextAreaField if area else StringField)(
        label, filters=[stripped], validators=validators
    )


def _amount(label, *, required: bool = False) -> MoneyField:
    """An amount of MAD; an empty field is 0 unless the amount is required."""
    if required:
        return MoneyField(label, validators=[InputRequired(_l("Enter an amount."))])
    return MoneyField(label, blank=0)


class RequiredFor:
    """An amount required when the payment method is one of `methods` ("Enter an amount.")."""

    def __init__(self, *methods: str, message=None) -> None:
        self.methods, self.message = methods, message or _l("Enter an amount.")

    def __call__(self, form, field) -> None:
        typed = bool(field.raw_data and field.raw_data[0].strip())
        if form.method.data in self.methods and not typed and not field.process_errors:
            raise ValidationError(self.message)


class ScanForm(FlaskForm):
    """What the scanner typed: a SKU or a label's address."""

    code = StringField(filters=[stripped], validators=[Length(max=300, message=TOO_LONG)])


class PayForm(FlaskForm):
    """The till's Pay form: method, cash and card, discount and its approval, receipt language.

    `sale_key` makes it one sale per form; `card_amount` only counts when paying by both.
    """

    sale_key = OneTimeKeyField()
    method = RadioField(
        _l("Paid by"),
        choices=[
            SelectChoice("cash", _l("Cash")),
            SelectChoice("card_terminal", _l("Card terminal")),
            SelectChoice("mixed", _l("Both")),
        ],
        default="cash",
        invalid_choice_message=_l("Choose how the customer pays."),
    )
    discount = MoneyField(_l("Discount (MAD)"), blank=0)
    discount_reason = _text(_l("Reason for the discount"))
    cash_tendered = MoneyField(
        _l("Cash handed over (MAD)"), validators=[RequiredFor("cash")], blank=0
    )
    card_amount = MoneyField(
        _l("On the card terminal (MAD), when paying by both"),
        validators=[RequiredFor("mixed")],
        blank=0,
    )
    card_reference = StringField(
        _l("Card terminal reference"),
        filters=[stripped],
        validators=[Length(max=120, message=TOO_LONG)],
    )
    approver_email = StringField(
        _l("Manager's email"), filters=[stripped], validators=[Length(max=254, message=TOO_LONG)]
    )
    approver_password = StringField(
        _l("Manager's password"), validators=[Length(max=200, message=TOO_LONG)]
    )
    receipt_lang = SelectField(
        _l("Receipt language"),
        choices=[SelectChoice(code, code) for code in LANGUAGES],
        default=current_lang,
        invalid_choice_message=_l("Choose a language for the receipt."),
    )

    def validate_card_reference(self, field) -> None:
        """The terminal's reference is required whenever the card terminal takes money."""
        if self.method.data != "cash" and not field.data:
            raise ValidationError(_l("This field is required."))

    def approver(self) -> str:
        """The approver's email as the rate limit counts it: trimmed, lower case."""
        return (self.approver_email.data or "").lower()[:254]


class BasketForm(FlaskForm):
    """The till's basket: one `qty_<product id>` field per line, a remove button, empty the sale.

    Build it with `for_lines(product ids)`; a quantity that is not a whole number from 0 to
    `high` leaves the line as it was.
    """

    action = StringField()
    remove = WholeNumberField(low=1, validators=[Optional()])

    @classmethod
    def for_lines(cls, product_ids: list[int], *, high: int) -> BasketForm:
        """The form for a basket with these pieces."""
        fields = {
            f"qty_{pid}": WholeNumberField(high=high, validators=[Optional()])
            for pid in product_ids
        }
        return type("BasketLinesForm", (cls,), fields)()

    def quantity(self, product_id: int) -> int | None:
        """The quantity typed for a piece, or None when none (or no valid one) was sent."""
        field = self[f"qty_{product_id}"]
        return None if field.errors else field.data


class CountsForm(FlaskForm):
    """One count per denomination (`n_20000` …, notes and coins in minor units); empty is 0."""

    def pieces(self) -> dict[int, int]:
        """Denomination (minor units) → how many."""
        return {d: self[f"n_{d}"].data or 0 for d in DENOMINATIONS}


for _denomination in DENOMINATIONS:
    setattr(
        CountsForm,
        f"n_{_denomination}",
        WholeNumberField(
            high=MAX_PIECES, blank=0, message=_l("Enter a whole number, zero or more.")
        ),
    )


class OpenForm(CountsForm):
    """Opening a register: the float, counted note by note."""


class CloseForm(CountsForm):
    """Closing a register: the count, the card terminal's batch and a note."""

    card_batch_total = _amount(_l("Card terminal batch total (MAD)"))
    card_batch_reference = _text(_l("Batch reference"), max_length=120)
    note = _text(_l("Note"), max_length=2000, area=True)


class MovementForm(FlaskForm):
    """Cash paid into or out of the drawer, with a reason; once per `form_key`."""

    form_key = OneTimeKeyField()
    kind = RadioField(
        _l("Movement"),
        choices=[
            SelectChoice(MovementKind.PAID_IN, _l("Paid in")),
            SelectChoice(MovementKind.PAID_OUT, _l("Paid out")),
        ],
        invalid_choice_message=_l("Choose paid in or paid out."),
    )
    amount = _amount(_l("Amount (MAD)"), required=True)
    reason = _text(_l("Reason"), required=True)


class AdjustmentForm(FlaskForm):
    """A manager's correction of a signed-off session: a direction, an amount and a reason."""

    form_key = OneTimeKeyField()
    direction = RadioField(
        _l("Correction"),
        choices=[
            SelectChoice("in", _l("More cash than recorded")),
            SelectChoice("out", _l("Less cash than recorded")),
        ],
        default="in",
        invalid_choice_message=_l("Choose more or less cash than recorded."),
    )
    amount = _amount(_l("Amount (MAD)"), required=True)
    reason = _text(_l("Reason"), required=True)

    def signed_amount(self) -> int:
        """The correction in minor units: negative when the drawer held less than recorded."""
        return -self.amount.data if self.direction.data == "out" else self.amount.data


class SignOffForm(FlaskForm):
    """A manager's optional comment when signing off a session."""

    note = _text(_l("Comment (optional)"), max_length=2000, area=True)


class RefundForm(FlaskForm):
    """A return at the counter: `qty_<line id>` per line, reason, restock, method, reference.

    Build it with `for_order(order, methods)`; `refund_key` makes it one refund per form.
    """

    refund_key = OneTimeKeyField()
    reason = _text(_l("Reason"), required=True)
    restock = BooleanField(_l("Put the pieces back in stock"), default=True)
    method = RadioField(_l("Refund"), invalid_choice_message=_l("Choose how to refund."))
    reference = _text(_l("Card terminal reference"), max_length=120)

    @classmethod
    def for_order(cls, order, methods: list[str]) -> RefundForm:
        """The form for an order's lines, refunding by one of `methods` (the first by default)."""
        fields = {
            f"qty_{line.id}": WholeNumberField(
                high=MAX_STOCK, blank=0, message=_l("Enter a whole number of pieces.")
            )
            for line in order.lines
        }
        form = type("OrderRefundForm", (cls,), fields)(data={"method": methods[0]})
        form.method.choices = [SelectChoice(m, m) for m in methods]
        form.order = order
        return form

    def validate(self, extra_validators=None) -> bool:
        """The fields, then no line returns more pieces than are left of it."""
        valid = super().validate(extra_validators)
        for line in self.order.lines:
            field = self[f"qty_{line.id}"]
            if not field.errors and (field.data or 0) > line.quantity - line.refunded_quantity:
                field.errors.append(_l("More than can be returned."))
                valid = False
        return valid

    def items(self) -> list[tuple[int, int]]:
        """(order line id, pieces to return) for every line of the order."""
        return [(line.id, self[f"qty_{line.id}"].data or 0) for line in self.order.lines]


class ReceiptLookupForm(FlaskForm):
    """Finding a receipt by its number (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    number = StringField(_l("Receipt number"), filters=[stripped, lambda v: (v or "").upper()[:20]])
