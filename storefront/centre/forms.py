"""The contact form and the managers' opening-hours form."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, Length, Optional

from storefront.inputs import stripped

from .services import WEEKDAYS

MAX_MESSAGE = 5000


class ContactForm(FlaskForm):
    """A visitor's name, address, subject and message; `website` is a trap for robots.

    People never see `website` (it is hidden from sight and from screen readers); a form that
    fills it is answered as if sent, and nothing is queued.
    """

    name = StringField(_l("Name"), filters=[stripped], validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        filters=[stripped],
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    subject = StringField(
        _l("Subject"), filters=[stripped], validators=[DataRequired(), Length(max=150)]
    )
    message = TextAreaField(
        _l("Message"),
        filters=[stripped],
        validators=[
            DataRequired(),
            Length(
                min=10,
                max=MAX_MESSAGE,
                message=_l(
                    "Write between %(min)d and %(max)d characters.", min=10, max=MAX_MESSAGE
                ),
            ),
        ],
    )
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])


class HoursForm(FlaskForm):
    """Opening and closing time per ISO weekday (`opens_1` … `closes_7`), or closed."""

    def week(self) -> tuple[dict[int, tuple[time, time] | None], dict[int, str]]:
        """The hours typed, per weekday, and a translated message per day that is wrong."""
        week: dict[int, tuple[time, time] | None] = {}
        errors: dict[int, str] = {}
        for day in WEEKDAYS:
            if self[f"closed_{day}"].data:
                week[day] = None
                continue
            opens, closes = self[f"opens_{day}"], self[f"closes_{day}"]
            if opens.errors or closes.errors or opens.data is None or closes.data is None:
                errors[day] = str(
                    _l("Give an opening and a closing time (such as 09:00), or tick closed.")
                )
            elif not opens.data < closes.data:
                errors[day] = str(_l("The closing time must come after the opening time."))
            else:
                week[day] = (opens.data, closes.data)
        return week, errors


for _day in WEEKDAYS:
    setattr(HoursForm, f"opens_{_day}", TimeField(_l("Opens"), validators=[Optional()]))
    setattr(HoursForm, f"closes_{_day}", TimeField(_l("Closes"), validators=[Optional()]))
    setattr(HoursForm, f"closed_{_day}", BooleanField(_l("Closed all day")))
