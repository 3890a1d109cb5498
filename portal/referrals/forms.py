from datetime import date, timedelta

from wtforms import BooleanField, DateField, EmailField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from ..answers import LANGUAGE_CHOICES, NAME_MAX
from ..forms.common import BaseForm, YearField
from ..i18n import lazy_gettext as _l

CONSENT_HOW = [("in_person", _l("In person")), ("phone", _l("By phone")), ("written", _l("In writing (letter or email)"))]


class ReferralForm(BaseForm):
    full_name = StringField(_l("The citizen’s full name"), [DataRequired(_l("Enter the citizen’s full name")), Length(max=NAME_MAX)])
    birth_year = YearField(_l("Year of birth"), [Optional()])
    email = EmailField(_l("Email address"), [Optional(), Length(max=254), Email(_l("Enter an email address like name@example.com"))])
    phone = TelField(_l("Phone number"), [Optional(), Regexp(r"^\+?[0-9 ()\-]{6,30}$", message=_l("Enter a phone number, like 12 34 56 78 or +45 12 34 56 78"))])
    municipality = SelectField(_l("Municipality"), validators=[DataRequired(_l("Choose the citizen’s municipality"))])
    language = RadioField(_l("Which language should we write to the citizen in?"), choices=LANGUAGE_CHOICES,
                          validators=[InputRequired(_l("Choose Danish or English"))])
    note = TextAreaField(_l("Why do you refer this person?"), [DataRequired(_l("Write why you refer this person")),
                                                               Length(max=2000, message=_l("Write at most 2000 characters"))])
    consent_how = RadioField(_l("How did the citizen agree to be referred?"), choices=CONSENT_HOW,
                             validators=[InputRequired(_l("Choose how the citizen agreed"))])
    consent_at = DateField(_l("When did the citizen agree?"), [InputRequired(_l("Enter the date the citizen agreed, like 2026-11-29"))])
    agreed = BooleanField(_l("The citizen has agreed that I refer them to the mentor programme and share these details"),
                          [DataRequired(_l("Confirm that the citizen agreed to be referred"))])
    mode = SelectField(choices=[("together", "together"), ("invite", "invite")], validators=[Optional()])
    # Shown only after the warning that the citizen may already have applied (services/duplicates.py).
    send_anyway = BooleanField(_l("Send the referral anyway"))

    def validate_birth_year(self, field):
        latest = date.today().year - 15
        if field.data is not None and not 1920 <= field.data <= latest:
            raise ValidationError(_l("Enter a year between 1920 and %(latest)s", latest=latest))

    def validate_consent_at(self, field):
        if field.data and not date.today() - timedelta(days=365) <= field.data <= date.today():
            raise ValidationError(_l("Enter a date within the last year, not in the future"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.mode.data not in ("together", "invite"):
            self.mode.errors = [_l("Choose whether you fill in the application together or send an invitation")]
            valid = False
        elif self.mode.data == "invite" and not self.email.data:
            self.email.errors.append(_l("Enter the citizen’s email address to send an invitation"))
            valid = False
        if not self.email.data and not self.phone.data and not self.email.errors:
            self.email.errors.append(_l("Enter an email address or a phone number"))
            valid = False
        return valid


class ActionForm(BaseForm):
    """A button that changes something (CSRF only)."""
