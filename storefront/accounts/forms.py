"""Sign-in, invitation and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from storefront.i18n import LANGUAGE_NAMES, LANGUAGES
from storefront.inputs import stripped

from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        _l("Email"), filters=[stripped], validators=[DataRequired(), Email(), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Choose a password of at least %(n)s characters.", n=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class AcceptInvitationForm(PasswordForm):
    """Name, language and password for a new account."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    )


class ResetRequestForm(FlaskForm):
    """The email to send a reset link to."""

    email = EmailField(
        _l("Email"), filters=[stripped], validators=[DataRequired(), Email(), Length(max=254)]
    )
