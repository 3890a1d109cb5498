"""Companies, their sites, and where mentors work."""
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l


class CompanyForm(BaseForm):
    name = StringField(_l("Company name"), [DataRequired(_l("Enter the company's name")), Length(max=200)])


class SiteForm(BaseForm):
    name = StringField(_l("Site name"), [DataRequired(_l("Enter a name for the site, for example Aarhus office")),
                                         Length(max=200)])
    address = StringField(_l("Street address"), [DataRequired(_l("Enter the street address")), Length(max=200)])
    postcode = StringField(_l("Postcode"), [DataRequired(_l("Enter the postcode")),
                                            Regexp(r"^\d{4}$", message=_l("Enter the postcode as 4 digits"))])
    town = StringField(_l("Town"), [DataRequired(_l("Enter the town")), Length(max=100)])


class MentorSiteForm(BaseForm):
    site = SelectField(_l("Company site"), coerce=int,
                       validators=[DataRequired(_l("Choose the site where the mentor works"))])
