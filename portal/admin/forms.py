"""Admin forms: a programme's details, its eligibility rules and catchment, the re-check confirmation, and the
association's contact details."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, TelField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp,
                                ValidationError)
from wtforms.widgets import TextInput

from ..answers import RESIDENCE_CHOICES
from ..eligibility import CEFR_LEVELS, ISCED_LEVELS
from ..forms.common import BaseForm, LocalFloatField
from ..i18n import format_date
from ..i18n import lazy_gettext as _l

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
        [InputRequired(_l("Enter the minimum years of work experience, for example 2 or 2.5")),
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


# ---------------------------------------------------------------- a programme's details

MAX_LENGTH_MONTHS = 36
MAX_CAPACITY = 500
EARLIEST_START, LATEST_START = date(2000, 1, 1), date(2100, 12, 31)
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
RULE_CHOICES = [("default", _l("Start from the default rules")),
                ("copy", _l("Copy the rules in force for another programme"))]


def _plausible_start(form, field):
    if field.data and not EARLIEST_START <= field.data <= LATEST_START:
        raise ValidationError(_l("Enter a start date between the years %(first)s and %(last)s",
                                 first=EARLIEST_START.year, last=LATEST_START.year))


class ProgrammeForm(BaseForm):
    """A programme's name, company, sites, dates and places; `programme_form` fills in the choices."""
    name = StringField(
        _l("Name of the programme"),
        [DataRequired(_l("Enter the name of the programme, for example Erhvervsmentor 2028")),
         Length(max=200, message=_l("Write the name in 200 characters or fewer"))])
    company = SelectField(
        _l("Company"), coerce=int,
        invalid_value_message=_l("Choose a company from the list"),
        invalid_choice_message=_l("Choose a company from the list"))
    sites = SelectMultipleField(
        _l("Sites"), coerce=int,
        invalid_value_message=_l("Choose sites from the list"), invalid_choice_message=_l("Choose sites from the list"))
    start_date = DateField(
        _l("Start date"), [InputRequired(_l("Enter the start date, for example 2028-03-01")), _plausible_start],
        invalid_value_message=_l("Enter the start date as year-month-day, for example 2028-03-01"))
    length_months = WholeNumberField(
        _l("Length in months"),
        [InputRequired(_l("Enter the length in months, for example 6")),
         NumberRange(min=1, max=MAX_LENGTH_MONTHS,
                     message=_l("Enter a length from 1 to %(max)s months", max=MAX_LENGTH_MONTHS))],
        default=6, invalid_value_message=_l("Enter the length as a whole number of months, for example 6"))
    capacity = WholeNumberField(
        _l("Number of places (pairs)"),
        [InputRequired(_l("Enter the number of places, for example 25")),
         NumberRange(min=1, max=MAX_CAPACITY,
                     message=_l("Enter a number of places from 1 to %(max)s", max=MAX_CAPACITY))],
        default=25, invalid_value_message=_l("Enter the number of places as a whole number, for example 25"))
    open_for_applications = RadioField(
        _l("Open for applications"), choices=YES_NO, default="yes",
        validators=[InputRequired(_l("Choose whether the programme is open for applications"))],
        invalid_choice_message=_l("Choose whether the programme is open for applications"))

    def details(self) -> dict:
        """What the programme service takes."""
        return {"name": self.name.data, "company_id": self.company.data or None,
                "site_ids": frozenset(self.sites.data or ()),
                "start_date": self.start_date.data, "length_months": self.length_months.data,
                "capacity": self.capacity.data, "open_for_applications": self.open_for_applications.data == "yes"}

    def refuse(self, problems):
        """Show each reason the programme service gave next to its field."""
        for problem in problems:
            getattr(self, problem.field).errors.append(problem_message(problem))


class NewProgrammeForm(ProgrammeForm):
    """A new programme also chooses the eligibility rules it starts from."""
    rules = RadioField(
        _l("Eligibility rules"), choices=RULE_CHOICES, default="default",
        validators=[InputRequired(_l("Choose which eligibility rules the programme starts from"))],
        invalid_choice_message=_l("Choose which eligibility rules the programme starts from"))
    copy_from = SelectField(
        _l("Programme to copy the rules from"), coerce=int,
        invalid_value_message=_l("Choose a programme from the list"),
        invalid_choice_message=_l("Choose a programme from the list"))

    def validate_copy_from(self, field):
        if self.rules.data == "copy" and not field.data:
            raise ValidationError(_l("Choose the programme whose rules to copy"))

    def copy_source(self) -> int | None:
        return self.copy_from.data if self.rules.data == "copy" else None


def programme_form(form_class, companies, sites, programmes=(), **kwargs) -> ProgrammeForm:
    """The form with its choices: companies, every site grouped by company, programmes to copy rules from."""
    form = form_class(**kwargs)
    form.company.choices = [(0, _("Several companies"))] + [(c.id, c.name) for c in companies]
    form.sites.choices = [SelectChoice(s.id, f"{s.name} ({s.town})", optgroup=s.company.name) for s in sites]
    if isinstance(form, NewProgrammeForm):
        form.copy_from.choices = [(0, _("Choose a programme"))] + [(p.id, p.name) for p in programmes]
    return form


def programme_form_data(details: dict) -> dict:
    """What the edit form shows before anything is posted."""
    return {**details, "company": details["company_id"] or 0, "sites": sorted(details["site_ids"]),
            "open_for_applications": "yes" if details["open_for_applications"] else "no"}


def problem_message(problem) -> str:
    """A refusal from the programme service, as an instruction in the reader's language."""
    params = problem.params
    if problem.code == "name_taken":
        return _("Another programme is already called %(name)s. Choose a name that tells them apart, for example "
                 "with the year", name=params["name"])
    if problem.code == "company_has_no_sites":
        return _("%(company)s has no sites yet. Add its sites under Companies and sites first",
                 company=params["company"])
    if problem.code == "no_sites":
        return _("Choose at least one site of %(company)s, where mentor and mentee will meet",
                 company=params["company"])
    if problem.code == "no_sites_chosen":
        return _("Choose at least one site, where mentor and mentee will meet")
    if problem.code == "site_not_in_use":
        return _("Choose only sites that are in use: %(sites)s is retired, or its company is not approved",
                 sites=params["sites"])
    if problem.code == "other_company":
        return _("Choose only sites of %(company)s, the company chosen above", company=params["company"])
    if problem.code == "below_pairs":
        return ngettext("The programme already has %(num)s pair, so enter at least %(num)s places",
                        "The programme already has %(num)s pairs, so enter at least %(num)s places",
                        params["pairs"])
    if problem.code == "already_started":
        return _("The course started on %(date)s, so the start date can no longer be changed",
                 date=format_date(params["started_on"], "long"))
    if problem.code == "site_in_use":
        return ngettext("%(sites)s cannot be removed: a pair of this programme meets there",
                        "%(sites)s cannot be removed: pairs of this programme meet there",
                        params["pairs"], sites=params["sites"])
    if problem.code == "unknown_programme":
        return _("Choose the programme whose rules to copy")
    if problem.code == "unknown_site":
        return _("Choose sites from the list")
    return _("Choose a company from the list")      # unknown_company


ENTER_EMAIL = _l("Enter an email address like name@example.com")
ENTER_PHONE = _l("Enter a phone number, like 12 34 56 78 or +45 12 34 56 78")


class AssociationForm(BaseForm):
    """The association's contact details, shown in the footer, on the privacy page and in emails."""
    name = StringField(_l("The association's name"),
                       [DataRequired(_l("Enter the association's name")),
                        Length(max=200, message=_l("The name can be at most 200 characters"))])
    address = StringField(_l("Address"),
                          [DataRequired(_l("Enter the association's address")),
                           Length(max=200, message=_l("The address can be at most 200 characters"))])
    phone = TelField(_l("Phone number (optional)"),
                     [Optional(), Length(max=30, message=_l("Enter a phone number of at most 30 characters")),
                      Regexp(r"^\+?[0-9 ()\-]{6,30}$", message=ENTER_PHONE)])
    email = EmailField(_l("Email address"), [DataRequired(_l("Enter the association's email address")),
                                             Length(max=254), Email(ENTER_EMAIL)])
    privacy_contact = StringField(_l("Data-protection contact (optional)"),
                                  [Optional(), Length(max=200, message=_l("The name can be at most 200 characters"))])
    privacy_email = EmailField(_l("The data-protection contact's email address (optional)"),
                               [Optional(), Length(max=254), Email(ENTER_EMAIL)])

    def details(self) -> dict:
        return {name: getattr(self, name).data or "" for name in
                ("name", "address", "phone", "email", "privacy_contact", "privacy_email")}
