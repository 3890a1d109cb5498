"""Companies, their sites, and where mentors work."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from .. import places
from ..forms.common import BaseForm, SubForm
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Municipality
from ..services.sites import SiteDetails


class CompanyForm(BaseForm):
    name = StringField(_l("Company name"), [DataRequired(_l("Enter the company's name")), Length(max=200)])


class SiteFields:
    """A site's fields, as a whole form (an admin's or a coordinator's) or as one of the sign-up's sites. The
    municipality is found from the postcode; it is asked only when the postcode reaches several."""
    name = StringField(_l("Site name"), [DataRequired(_l("Enter a name for the site, for example Aarhus office")),
                                         Length(max=200)])
    address = StringField(_l("Street address"), [DataRequired(_l("Enter the street address")), Length(max=200)])
    postcode = StringField(_l("Postcode"), [DataRequired(_l("Enter the postcode")),
                                            Regexp(r"^\d{4}$", message=_l("Enter the postcode as 4 digits"))])
    town = StringField(_l("Town"), [DataRequired(_l("Enter the town")), Length(max=100)])
    municipality = SelectField(_l("Municipality (only when the postcode is in several)"),
                               validate_choice=False)

    def with_municipalities(self):
        self.municipality.choices = [("", _("Found from the postcode")), *Municipality.names()]
        return self

    def validate_postcode(self, field):
        if field.data and len(field.data) == 4 and not places.municipalities_for(field.data):
            raise ValidationError(_l("Enter a Danish postcode: %(postcode)s is not one", postcode=field.data))

    def validate_municipality(self, field):
        codes = places.municipalities_for(self.postcode.data)
        if not codes:
            return
        if field.data and field.data not in codes:
            raise ValidationError(_l("The postcode %(postcode)s is not in that municipality. Choose another, or "
                                     "leave it to the postcode", postcode=self.postcode.data))
        if not field.data and len(codes) > 1:
            raise ValidationError(_l("The postcode %(postcode)s is in several municipalities: choose the one the "
                                     "site is in", postcode=self.postcode.data))

    def details(self) -> SiteDetails:
        codes = places.municipalities_for(self.postcode.data)
        return SiteDetails(self.name.data, self.address.data, self.postcode.data, self.town.data,
                           self.municipality.data or (codes[0] if codes else None))

    def filled(self) -> bool:
        return any((f.data or "").strip() for f in (self.name, self.address, self.postcode, self.town))


class SiteForm(SiteFields, BaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_municipalities()


class SiteEntry(SiteFields, SubForm):
    """One site among the sign-up's sites (a subform: no CSRF token of its own)."""


class MentorSiteForm(BaseForm):
    site = SelectField(_l("Company site"), coerce=int,
                       validators=[DataRequired(_l("Choose the site where the mentor works"))])


class SignUpDecisionForm(BaseForm):
    """Staff approve or decline a company's sign-up, with a message to its contact person."""
    message = TextAreaField(_l("Message to the contact person"), [
        DataRequired(_l("Write a message to the contact person")), Length(max=2000)])
