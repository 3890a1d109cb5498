"""The applicant's steps. Each form validates one step; conditional fields are checked only when relevant."""
import functools
from datetime import date

from babel import Locale
from flask_babel import get_locale
from wtforms import (BooleanField, EmailField, FieldList, FormField, HiddenField, RadioField,
                     SelectField, SelectMultipleField, StringField, TelField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from ..eligibility import RESIDENCE_BASES
from ..forms.common import BaseForm, LocalFloatField, SubForm, YearField
from ..i18n import lazy_gettext as _l

CONSENT_VERSION = "2026-11"
NAME_MAX = 200
TEXT_MAX = 200
LONG_TEXT_MAX = 2000

LANGUAGE_CHOICES = [("da", _l("Danish")), ("en", _l("English"))]
RESIDENCE_CHOICES = [
    ("7-1", _l("Refugee status – section 7(1) of the Aliens Act (konventionsstatus)")),
    ("7-2", _l("Protection status – section 7(2)")),
    ("7-3", _l("Temporary protection status – section 7(3)")),
    ("8", _l("Quota refugee – section 8")),
    ("9", _l("Family reunification – section 9")),
    ("9b", _l("Humanitarian residence – section 9 b")),
    ("ukraine", _l("The special act for people displaced from Ukraine (2022)")),
    ("other", _l("Other, or I do not know")),
]
assert [code for code, _ in RESIDENCE_CHOICES] == list(RESIDENCE_BASES)
REUNIFIED_WITH_CHOICES = [("", _l("Choose")), *RESIDENCE_CHOICES[:4], RESIDENCE_CHOICES[6], RESIDENCE_CHOICES[7]]
EDUCATION_LEVELS = [
    ("", _l("Choose a level")),
    ("upper_secondary", _l("Upper secondary school (gymnasium or vocational)")),
    ("short_cycle_tertiary", _l("Short higher education (about 2 years, e.g. academy profession)")),
    ("bachelor", _l("Bachelor or professional bachelor (3–4 years)")),
    ("master", _l("Master (5 years in all)")),
    ("doctoral", _l("PhD")),
]
ASSESSMENT_CHOICES = [("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("I do not know"))]
CEFR_CHOICES = [
    ("none", _l("None – I do not speak it")),
    ("A1", _l("A1 – I know a few words and simple phrases")),
    ("A2", _l("A2 – I can manage simple everyday situations")),
    ("B1", _l("B1 – I can talk about work and daily life, and follow clear speech")),
    ("B2", _l("B2 – I can take part in meetings and discussions without much effort")),
    ("C1", _l("C1 – I use it easily at work and in studies")),
    ("C2", _l("C2 – I master it like a native speaker")),
]
YES_NO = [("no", _l("No")), ("yes", _l("Yes"))]
DANISH_TEST_CHOICES = [("", _l("Choose the test")), ("pd1", _l("Prøve i Dansk 1")),
                       ("pd2", _l("Prøve i Dansk 2")), ("pd3", _l("Prøve i Dansk 3")),
                       ("studieproven", _l("Studieprøven"))]
DANISH_COURSE_CHOICES = [("", _l("I have not taken Danish lessons")), ("du1", _l("Danskuddannelse 1")),
                         ("du2", _l("Danskuddannelse 2")), ("du3", _l("Danskuddannelse 3"))]
DANISH_MODULE_CHOICES = [("", _l("Choose")), *[(str(n), str(n)) for n in range(1, 7)]]
ENGLISH_TEST_CHOICES = [("", _l("Choose the test")), ("ielts", _l("IELTS")), ("toefl_ibt", _l("TOEFL iBT")),
                        ("cambridge_b1_preliminary", _l("Cambridge B1 Preliminary")),
                        ("cambridge_b2_first", _l("Cambridge B2 First")),
                        ("cambridge_c1_advanced", _l("Cambridge C1 Advanced")),
                        ("cambridge_c2_proficiency", _l("Cambridge C2 Proficiency"))]
SCORED_TESTS = {"ielts": (0, 9), "toefl_ibt": (0, 120)}
GOAL_CHOICES = [("job", _l("A job")), ("education", _l("An education")), ("internship", _l("An internship")),
                ("self_employment", _l("Starting my own business"))]
# Region codes in CLDR that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK"}


# The answers to "the country you come from" that are not a country (context.country_name names them too).
NO_COUNTRY = {"stateless": _l("Stateless"), "unknown": _l("Unknown")}


def country_choices(origin=False):
    """Countries in the reader's language, sorted by name (names from CLDR via Babel). For the country a
    person comes from (`origin`), also "Stateless" and "Unknown": many refugees have no country, or do not
    know which one the authorities have written down."""
    extra = list(NO_COUNTRY.items()) if origin else []
    return [("", _l("Choose a country")), *extra, *_countries(str(get_locale() or "da"))]


@functools.lru_cache(maxsize=8)
def _countries(locale_name: str) -> tuple:
    """Sorted once per language and process: CLDR's names do not change while the portal runs."""
    locale = Locale.parse(locale_name)
    names = [(code, name) for code, name in locale.territories.items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    return tuple(sorted(names, key=lambda item: item[1]))


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
    language = RadioField(_l("Which language should we write to you in?"), choices=LANGUAGE_CHOICES,
                          validators=[InputRequired(_l("Choose Danish or English"))])

    def validate_birth_year(self, field):
        latest = _this_year() - 15
        if field.data is not None and not 1920 <= field.data <= latest:
            raise ValidationError(_l("Enter a year between 1920 and %(latest)s", latest=latest))


class ContactStep(BaseForm):
    email = EmailField(_l("Email address"), [Optional(), Length(max=254), Email(_l("Enter an email address like name@example.com"))])
    phone = TelField(_l("Phone number"), [Optional(), Length(max=30, message=_l("Enter a phone number of at most 30 characters")),
                                          Regexp(r"^\+?[0-9 ()\-]{6,30}$", message=_l("Enter a phone number, like 12 34 56 78 or +45 12 34 56 78"))])
    address = StringField(_l("Street address"), [DataRequired(_l("Enter your street and house number")), Length(max=TEXT_MAX)])
    postcode = StringField(_l("Postcode"), [DataRequired(_l("Enter your postcode")),
                                            Regexp(r"^[0-9]{4}$", message=_l("Enter a Danish postcode of 4 digits, like 2300"))])
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


