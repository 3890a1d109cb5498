"""The applicant's steps. Each form validates one step; conditional fields are checked only when relevant."""
from datetime import date

from wtforms import (BooleanField, EmailField, FieldList, FormField, HiddenField, RadioField,
                     SelectField, SelectMultipleField, StringField, TelField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from ..answers import (ASSESSMENT_CHOICES, CEFR_CHOICES, CONSENT_VERSION, DANISH_COURSE_CHOICES,  # noqa: F401
                       DANISH_MODULE_CHOICES, DANISH_TEST_CHOICES, EDUCATION_LEVELS, ENGLISH_TEST_CHOICES,
                       GOAL_CHOICES, LANGUAGE_CHOICES, LONG_TEXT_MAX, NAME_MAX, RESIDENCE_CHOICES,
                       REUNIFIED_WITH_CHOICES, SCORED_TESTS, TEXT_MAX, YES_NO, country_choices)
from ..forms.common import BaseForm, LocalFloatField, SubForm, YearField
from ..i18n import lazy_gettext as _l

def _this_year():
    return date.today().year


def _blank_entry(data: dict) -> bool:
    return not any(value not in (None, "", [], False) for key, value in data.items() if key != "csrf_token")


def _ignore(*fields):
    """Questions that belong to an answer not given (a "Yes" answered "No"): not checked, and emptied,
    so what was typed in them neither stops the step nor comes back on the page."""
    for field in fields:
        field.data = None
        field.raw_data = []
        field.process_errors = []


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AboutYouStep(BaseForm):
    full_name = StringField(_l("Full name"), [DataRequired(_l("Enter your full name")),
                                              Length(max=NAME_MAX, message=_l("Your name can be at most 200 characters"))])
    birth_year = YearField(_l("Year of birth"), [InputRequired(_l("Enter the year you were born"))])
    # Choices: every offered language (apply/wiring.py, from the settings); the letters are written in it.
    language = RadioField(_l("Which language should we write to you in?"), choices=LANGUAGE_CHOICES,
                          validators=[InputRequired(_l("Choose the language we write to you in"))])

    def validate_birth_year(self, field):
        latest = _this_year() - 15
        if field.data is not None and not 1920 <= field.data <= latest:
            raise ValidationError(_l("Enter a year between 1920 and %(latest)s", latest=latest))


class ContactStep(BaseForm):
    # Addresses, numbers and postcodes read left to right on a right-to-left page too.
    email = EmailField(_l("Email address"), [Optional(), Length(max=254), Email(_l("Enter an email address like name@example.com"))],
                       render_kw={"dir": "ltr"})
    phone = TelField(_l("Phone number"), [Optional(), Length(max=30, message=_l("Enter a phone number of at most 30 characters")),
                                          Regexp(r"^\+?[0-9 ()\-]{6,30}$", message=_l("Enter a phone number, like 12 34 56 78 or +45 12 34 56 78"))],
                    render_kw={"dir": "ltr"})
    address = StringField(_l("Street address"), [DataRequired(_l("Enter your street and house number")), Length(max=TEXT_MAX)])
    postcode = StringField(_l("Postcode"), [DataRequired(_l("Enter your postcode")),
                                            Regexp(r"^[0-9]{4}$", message=_l("Enter a Danish postcode of 4 digits, like 2300"))],
                            render_kw={"dir": "ltr"})
    municipality = SelectField(_l("Municipality"), validators=[DataRequired(_l("Choose your municipality"))])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors.append(_l("Enter an email address or a phone number, so we can contact you"))
            valid = False
        return valid

    def validate_postcode(self, field):
        if field.data and field.data.isdigit() and int(field.data) < 1000:
            raise ValidationError(_l("Enter the postcode of your home address (4 digits, from 1000)"))


class ResidenceStep(BaseForm):
    country_of_origin = SelectField(_l("Which country do you come from?"), validators=[DataRequired(_l("Choose your country"))])
    arrival_year = YearField(_l("Which year did you come to Denmark?"), [InputRequired(_l("Enter the year you came to Denmark"))])
    residence_basis = RadioField(_l("What is your residence permit based on?"), choices=RESIDENCE_CHOICES,
                                 validators=[InputRequired(_l("Choose what your residence permit is based on"))])
    reunified_with_basis = SelectField(_l("What residence permit does the person you were reunified with have?"),
                                       choices=REUNIFIED_WITH_CHOICES, validators=[Optional()])

    def validate_arrival_year(self, field):
        if field.data is not None and not 1950 <= field.data <= _this_year():
            raise ValidationError(_l("Enter a year between 1950 and %(latest)s", latest=_this_year()))

    def validate(self, extra_validators=None):
        if self.residence_basis.data != "9":
            _ignore(self.reunified_with_basis)
        valid = super().validate(extra_validators)
        if self.residence_basis.data == "9" and not self.reunified_with_basis.data:
            self.reunified_with_basis.errors.append(
                _l("Choose the residence permit of the person you were reunified with"))
            valid = False
        return valid


class EducationEntry(SubForm):
    level = SelectField(_l("Level"), choices=EDUCATION_LEVELS, validators=[Optional()])
    field = StringField(_l("Subject or field"), [Optional(), Length(max=TEXT_MAX)])
    country = SelectField(_l("Country"), validators=[Optional()])
    year_finished = YearField(_l("Year finished"), [Optional()])
    danish_assessment = RadioField(_l("Has the education been assessed in Denmark?"), choices=ASSESSMENT_CHOICES,
                                   validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if _blank_entry(self.data):
            return valid
        if not self.level.data:
            self.level.errors.append(_l("Choose the level of this education"))
            valid = False
        if not self.field.data:
            self.field.errors.append(_l("Enter the subject of this education"))
            valid = False
        year = self.year_finished.data
        if year is not None and not 1950 <= year <= _this_year() + 6:
            self.year_finished.errors.append(_l("Enter a year between 1950 and %(latest)s", latest=_this_year() + 6))
            valid = False
        return valid


class WorkEntry(SubForm):
    role = StringField(_l("Job title"), [Optional(), Length(max=TEXT_MAX)])
    sector = StringField(_l("Sector or trade"), [Optional(), Length(max=TEXT_MAX)])
    years = LocalFloatField(_l("Years in this job"), [Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if _blank_entry(self.data):
            return valid
        if not self.role.data:
            self.role.errors.append(_l("Enter the job title"))
            valid = False
        if self.years.data is None and not self.years.errors:
            self.years.errors.append(_l("Enter how many years you had this job, for example 2.5"))
            valid = False
        elif self.years.data is not None and not 0 < self.years.data <= 60:
            self.years.errors.append(_l("Enter a number of years between 0.1 and 60"))
            valid = False
        return valid


class EntriesStep(BaseForm):
    """A step made of repeated entries; blank entries are dropped when saved."""
    entry_limit = 10

    def filled_entries(self):
        return [entry for entry in self.entries.data if not _blank_entry(entry)]


class EducationStep(EntriesStep):
    entries = FieldList(FormField(EducationEntry), min_entries=1, max_entries=10)


class WorkStep(EntriesStep):
    entries = FieldList(FormField(WorkEntry), min_entries=1, max_entries=10)


class LanguagesStep(BaseForm):
    danish_level = RadioField(_l("How well do you speak Danish?"), choices=CEFR_CHOICES,
                              validators=[InputRequired(_l("Choose how well you speak Danish"))])
    danish_test_passed = RadioField(_l("Have you passed a Danish test?"), choices=YES_NO, default="no",
                                    validators=[InputRequired(_l("Choose yes or no"))])
    danish_test = SelectField(_l("Which Danish test?"), choices=DANISH_TEST_CHOICES, validators=[Optional()])
    danish_course = SelectField(_l("Danish course (Danskuddannelse)"), choices=DANISH_COURSE_CHOICES, validators=[Optional()])
    danish_module = SelectField(_l("Highest module finished"), choices=DANISH_MODULE_CHOICES, validators=[Optional()])
    english_level = RadioField(_l("How well do you speak English?"), choices=CEFR_CHOICES,
                               validators=[InputRequired(_l("Choose how well you speak English"))])
    english_test_passed = RadioField(_l("Have you passed an English test?"), choices=YES_NO, default="no",
                                     validators=[InputRequired(_l("Choose yes or no"))])
    english_test = SelectField(_l("Which English test?"), choices=ENGLISH_TEST_CHOICES, validators=[Optional()])
    english_test_score = LocalFloatField(_l("Your score"), [Optional()])
    other_languages = StringField(_l("Other languages you speak (optional)"), [Optional(), Length(max=TEXT_MAX)])

    def validate(self, extra_validators=None):
        if self.danish_test_passed.data != "yes":
            _ignore(self.danish_test)
        if self.english_test_passed.data != "yes":
            _ignore(self.english_test, self.english_test_score)
        elif self.english_test.data not in SCORED_TESTS:
            _ignore(self.english_test_score)
        valid = super().validate(extra_validators)
        if self.danish_test_passed.data == "yes" and not self.danish_test.data:
            self.danish_test.errors.append(_l("Choose the Danish test you passed"))
            valid = False
        if self.english_test_passed.data == "yes":
            test = self.english_test.data
            if not test:
                self.english_test.errors.append(_l("Choose the English test you passed"))
                valid = False
            elif test in SCORED_TESTS and not self.english_test_score.errors:
                low, high = SCORED_TESTS[test]
                score = self.english_test_score.data
                if score is None or not low <= score <= high:
                    self.english_test_score.errors.append(
                        _l("Enter your score, a number from %(low)s to %(high)s", low=low, high=high))
                    valid = False
        return valid


class GoalsStep(BaseForm):
    goals = MultiCheckboxField(_l("What do you want to reach with a mentor?"), choices=GOAL_CHOICES,
                               validators=[DataRequired(_l("Choose at least one goal"))])
    wished_fields = StringField(_l("Which fields or trades would you like to work or study in?"),
                                [DataRequired(_l("Enter at least one field or trade")), Length(max=TEXT_MAX)])
    more = TextAreaField(_l("Anything else you want us to know (optional)"),
                         [Optional(), Length(max=LONG_TEXT_MAX, message=_l("Write at most 2000 characters"))])


class ConsentStep(BaseForm):
    consent = BooleanField(_l("I agree that the association keeps and uses my answers as described above"),
                           [DataRequired(_l("Tick the box to agree, or you cannot apply"))])
    consent_version = HiddenField(default=CONSENT_VERSION)


class SubmitForm(BaseForm):
    """The check-your-answers page posts only this (and its CSRF token)."""
    version = HiddenField()


