"""A coordinator invites a colleague as a mentor."""
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l


class InviteMentorForm(BaseForm):
    name = StringField(_l("Colleague's full name"), [DataRequired(_l("Enter your colleague's name")), Length(max=200)])
    email = EmailField(_l("Colleague's work email"), [DataRequired(_l("Enter your colleague's work email")),
                                                     Email(_l("Enter an email address like name@company.dk")),
                                                     Length(max=254)])
    site = SelectField(_l("Site where they will meet their mentee"), coerce=int,
                       validators=[DataRequired(_l("Choose the site"))],
                       invalid_value_message=_l("Choose a site from the list"),
                       invalid_choice_message=_l("Choose a site from the list"))
    language = RadioField(_l("Language of the invitation"), choices=[("da", _l("Danish")), ("en", _l("English"))],
                          default="da", validators=[InputRequired(_l("Choose the language of the invitation"))],
                          invalid_choice_message=_l("Choose Danish or English"))

    def with_sites(self, sites):
        self.site.choices = [(0, _l("Choose a site"))] + [(s.id, f"{s.name} ({s.town})") for s in sites]
        return self
