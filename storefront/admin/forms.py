"""Managers' forms: invitations and artisan profiles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from storefront.artisans.models import SHOP_COUNT
from storefront.inputs import WholeNumberField, stripped


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
    commission_bps = WholeNumberField(
        _l("Commission in basis points (empty: the centre's default; 1000 = 10 %)"),
        validators=[Optional(), NumberRange(0, 10_000)],
    )
    active = BooleanField(_l("Active"))
