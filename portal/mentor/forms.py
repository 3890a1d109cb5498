"""The mentor's own profile."""
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l
from ..models import MIN_MENTOR_WORK_YEARS


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _Years(IntegerField):
    widget = TextInput()


class ProfileForm(BaseForm):
    work_years = _Years(_l("How many years of work experience do you have?"), validators=[
        InputRequired(_l("Enter your years of work experience as a whole number, for example 12")),
        NumberRange(min=MIN_MENTOR_WORK_YEARS, max=70, message=_l(
            "Mentors need at least 5 years of work experience. Enter your years of work experience "
            "as a whole number of 5 or more"))])
    leadership = RadioField(_l("Do you have leadership experience?"), choices=[("yes", _l("Yes")), ("no", _l("No"))],
                            validators=[DataRequired(_l("Choose yes if you have leadership experience"))])
    fields = StringField(_l("Your fields"), [DataRequired(_l("Enter at least one field, for example IT")),
                                             Length(max=300)])
    languages = _Checkboxes(_l("Languages you can mentor in"), choices=[("da", _l("Danish")), ("en", _l("English"))],
                            validators=[Optional()])
    other_languages = StringField(_l("Other languages (optional)"), [Optional(), Length(max=200)])
    capacity = SelectField(_l("How many mentees can you take at a time?"), coerce=int,
                           choices=[(1, "1"), (2, "2"), (3, "3")])

    def validate_languages(self, field):
        if not field.data and not (self.other_languages.data or "").strip():
            from wtforms.validators import ValidationError
            raise ValidationError(_l("Choose at least one language you can mentor in"))

    def field_list(self) -> list[str]:
        return [f.strip() for f in (self.fields.data or "").split(",") if f.strip()]

    def language_list(self) -> list[str]:
        others = [x.strip().lower() for x in (self.other_languages.data or "").split(",") if x.strip()]
        return [*(self.languages.data or []), *others]
