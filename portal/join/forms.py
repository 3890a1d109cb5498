"""The public sign-up form of a mentor company."""
from wtforms import EmailField, FieldList, FormField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from .. import cvr
from ..admin.forms import WholeNumberField
from ..companies.forms import SiteEntry
from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l

SITES_ON_FORM = 3          # without JavaScript, three places for sites; the coordinator adds more later


class SignUpForm(BaseForm):
    company = StringField(_l("Company name"), [DataRequired(_l("Enter the company's name")), Length(max=200)],
                          render_kw={"autocomplete": "organization"})
    cvr = StringField(_l("CVR number"), [DataRequired(_l("Enter the company's CVR number, 8 digits")),
                                         Length(max=20, message=_l("Enter the CVR number as 8 digits"))])
    contact_name = StringField(_l("Contact person's full name"), [DataRequired(_l("Enter the contact person's name")),
                                                                   Length(max=200)],
                               render_kw={"autocomplete": "name"})
    contact_email = EmailField(_l("Contact person's work email"), [
        DataRequired(_l("Enter the contact person's email address")),
        Email(_l("Enter an email address like name@company.dk")), Length(max=254)],
        render_kw={"autocomplete": "email"})
    contact_phone = StringField(_l("Phone number (optional)"), [Optional(), Length(max=30)],
                                render_kw={"autocomplete": "tel", "type": "tel"})
    expected_mentors = WholeNumberField(_l("How many mentors do you expect?"), [
        InputRequired(_l("Enter how many mentors you expect, for example 3")),
        NumberRange(min=1, max=100, message=_l("Enter a number of mentors from 1 to 100"))],
        invalid_value_message=_l("Enter the number of mentors as a whole number, for example 3"))
    sites = FieldList(FormField(SiteEntry), min_entries=SITES_ON_FORM, max_entries=SITES_ON_FORM)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for entry in self.sites.entries:
            entry.form.with_municipalities()

    def validate_cvr(self, field):
        if field.data and not cvr.valid(field.data):
            raise ValidationError(_l("Enter a valid CVR number: 8 digits, as on virk.dk. %(cvr)s is not one",
                                     cvr=field.data))

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        entries = [entry.form for entry in self.sites.entries]
        for entry in entries[1:]:
            if not entry.filled():             # the second and third sites may be left empty
                for field in entry:
                    field.errors = []
        return not self.form_errors and not any(field.errors for field in self._fields_with_errors())

    def _fields_with_errors(self):
        for field in self:
            if field.type == "FieldList":
                for entry in field.entries:
                    yield from entry.form
            else:
                yield field

    def chosen_sites(self):
        return tuple(entry.form.details() for entry in self.sites.entries if entry.form.filled())
