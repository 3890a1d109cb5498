"""Admin forms: a programme's eligibility rules and catchment, and the re-check confirmation."""
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtforms.widgets import TextInput

from ..apply.forms import RESIDENCE_CHOICES
from ..eligibility import CEFR_LEVELS, ISCED_LEVELS
from ..forms.common import BaseForm, LocalFloatField

MAX_WORK_YEARS = 80          # the eligibility module's own plausibility limit per job
ISCED_CHOICES = [
    SelectChoice("3", _l("Upper secondary education (ISCED 3)")),
    SelectChoice("5", _l("Short-cycle higher education (ISCED 5)")),
    SelectChoice("6", _l("Bachelor or equivalent (ISCED 6)")),
    SelectChoice("7", _l("Master or equivalent (ISCED 7)")),
    SelectChoice("8", _l("Doctoral, PhD (ISCED 8)")),
]
assert {int(choice.value) for choice in ISCED_CHOICES} == set(ISCED_LEVELS.values())


class YearsField(LocalFloatField):
    """Years with a decimal comma in Danish: 2,5 is shown as typed, 2.0 as 2."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_decimal(self.data) if self.data is not None else ""


class WholeNumberField(IntegerField):
    """A whole number typed as text (no spinner, which is hard to use on phones and with a keyboard)."""
    widget = TextInput()


class RulesForm(BaseForm):
    """The thresholds; `rules_form` adds one catchment field per site of the programme."""
    based_on = HiddenField()
    min_cefr = SelectField(
        _l("Minimum level in Danish or English"),
        choices=[SelectChoice(level) for level in CEFR_LEVELS],
        invalid_choice_message=_l("Choose a minimum language level from A1 to C2"))
    min_isced = SelectField(
        _l("Minimum level of education"), coerce=int, choices=ISCED_CHOICES,
        invalid_value_message=_l("Choose a minimum level of education from the list"),
        invalid_choice_message=_l("Choose a minimum level of education from the list"))
    min_work_years = YearsField(
        _l("Minimum years of work experience"),
        [InputRequired(_l("Enter the minimum years of work experience, for example 2 or 2,5")),
         NumberRange(min=0, max=MAX_WORK_YEARS,
                     message=_l("Enter a number of years from 0 to %(max)s", max=MAX_WORK_YEARS))])
    accepted_residence = SelectMultipleField(
        _l("Accepted residence bases"),
        choices=[SelectChoice(*tuple(choice)[:2]) for choice in RESIDENCE_CHOICES],
        validators=[InputRequired(_l("Choose at least one residence basis the programme accepts"))],
        invalid_choice_message=_l("Choose residence bases from the list"))
    reunification_counts = BooleanField(
        _l("Accept § 9 family reunification when the person reunified with has an accepted basis"))
    min_age = WholeNumberField(
        _l("Minimum age when the programme starts"),
        [InputRequired(_l("Enter the minimum age, for example 18")),
         NumberRange(min=15, max=100, message=_l("Enter a minimum age from 15 to 100"))],
        invalid_value_message=_l("Enter the minimum age as a whole number, for example 18"))

    def validate_based_on(self, field):
        if not str(field.data or "").isdigit():
            raise ValidationError(_l("The form was incomplete. Open the page again and save once more."))

    def thresholds(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("min_cefr", "min_isced", "min_work_years", "accepted_residence", "reunification_counts", "min_age")}

    def catchments(self) -> dict[int, list[str]]:
        return {site.id: field.data or [] for site, field in self.site_fields}

    def rebase(self, version: int):
        """Point the form at the version now current, so that saving again is a conscious choice."""
        self.based_on.raw_data = [str(version)]
        self.based_on.data = str(version)


def rules_form(sites, municipalities, data: dict) -> RulesForm:
    """The rules form for a programme: the thresholds, and each site's catchment grouped by region."""
    choices = [SelectChoice(m.code, m.name, optgroup=m.region_name) for m in municipalities]
    fields = {}
    for site in sites:
        fields[f"site_{site.id}"] = SelectMultipleField(
            _l("Municipalities in the catchment of %(site)s", site=site.name), choices=choices,
            invalid_choice_message=_l("Choose municipalities from the list"))
    form = type("ProgrammeRulesForm", (RulesForm,), fields)(data=data)
    form.site_fields = [(site, form[f"site_{site.id}"]) for site in sites]
    return form


def rules_form_data(thresholds: dict, catchments: dict, version: int) -> dict:
    """What the form shows before anything is posted."""
    return {**thresholds, "based_on": str(version),
            **{f"site_{site_id}": codes for site_id, codes in catchments.items()}}


class RecomputeForm(BaseForm):
    """The confirmation to re-check open applications; `version` is the one the admin saw."""
    version = HiddenField()
