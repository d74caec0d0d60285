"""The artisan's listing and photo forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from storefront.catalog.models import MAX_PRICE_MINOR, MAX_STOCK, MAX_WEIGHT_GRAMS
from storefront.inputs import MoneyField, WholeNumberField, parse_int, stripped

LANGS = (("ar", _l("Arabic")), ("fr", _l("French")), ("en", _l("English")))


def _more_than_zero(form, field) -> None:
    if field.data == 0:
        raise ValidationError(_l("The price must be more than zero."))


class ListingForm(FlaskForm):
    """Title, description and materials per language; craft, price, stock and details."""

    title_ar = StringField(_l("Title (Arabic)"), validators=[Optional(), Length(max=200)])
    title_fr = StringField(_l("Title (French)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    description_ar = TextAreaField(_l("Description (Arabic)"), validators=[Length(max=5000)])
    description_fr = TextAreaField(_l("Description (French)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    materials_ar = StringField(_l("Materials (Arabic)"), validators=[Length(max=200)])
    materials_fr = StringField(_l("Materials (French)"), validators=[Length(max=200)])
    materials_en = StringField(_l("Materials (English)"), validators=[Length(max=200)])
    craft_id = SelectField(_l("Craft"), coerce=int, validators=[DataRequired()])
    price = MoneyField(
        _l("Price (MAD)"),
        validators=[InputRequired(), _more_than_zero],
        high=MAX_PRICE_MINOR,
        message=_l("Write the price in dirhams, for example 250 or 249.50."),
        too_large=_l("The price can be at most %(max)s."),
    )
    stock = WholeNumberField(
        _l("How many in stock"),
        validators=[NumberRange(0, MAX_STOCK, message=_l("Enter a stock from 0 to %(max)s."))],
        default=1,
    )
    # The stock shown when the form was opened: the change is applied as a difference.
    stock_seen = HiddenField()
    made_to_order = BooleanField(_l("Made to order when out of stock"))
    lead_days = WholeNumberField(
        _l("Days to make one"), validators=[Optional(), NumberRange(1, 365)]
    )
    weight_grams = WholeNumberField(
        _l("Weight with packing (grams)"),
        validators=[NumberRange(1, MAX_WEIGHT_GRAMS)],
        default=500,
    )
    dimensions = StringField(_l("Dimensions"), validators=[Length(max=80)])

    def values(self) -> dict:
        """The cleaned values, keyed by Product column."""
        data = {
            name: (getattr(self, name).data or "").strip() or None
            for name in (
                "title_ar",
                "title_fr",
                "title_en",
                "description_ar",
                "description_fr",
                "description_en",
                "materials_ar",
                "materials_fr",
                "materials_en",
                "dimensions",
            )
        }
        data.update(
            craft_id=self.craft_id.data,
            price_minor=self.price.data,
            stock=self.stock.data or 0,
            made_to_order=bool(self.made_to_order.data),
            lead_days=self.lead_days.data if self.made_to_order.data else None,
            weight_grams=self.weight_grams.data,
        )
        return data

    def seen_stock(self) -> int | None:
        """The stock the artisan saw when opening the form, if the form carried it."""
        return parse_int(self.stock_seen.data, high=MAX_STOCK)


class PhotosForm(FlaskForm):
    """One or more photos, straight from a phone camera."""

    photos = MultipleFileField(_l("Add photos"))


class EmptyForm(FlaskForm):
    """A button that only needs the CSRF token."""


class RejectForm(FlaskForm):
    """Why a listing is refused."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class PhotoMoveForm(FlaskForm):
    """Move a photo one place earlier ("up") or later ("down") in its gallery."""

    step = SelectField(
        choices=[SelectChoice("up", _l("Move earlier")), SelectChoice("down", _l("Move later"))],
        invalid_choice_message=_l("Choose to move the photo earlier or later."),
    )

    def offset(self) -> int:
        """-1 to move earlier, 1 to move later."""
        return -1 if self.step.data == "up" else 1


class PhotoAltForm(FlaskForm):
    """A photo's description for people who cannot see it; empty removes it."""

    alt = StringField(
        _l("Describe the photo"),
        filters=[stripped],
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
