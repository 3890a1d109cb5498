"""The answers' shape, apart from any page: the order of the applicant's steps, the words for every coded
answer, and the answers as rows (section title, rows) for the check page, the applicant's status page and
the staff page.

The step order is pure (no Flask, no database). The rows need the reader's language (lazy Babel strings,
country names from CLDR) and the municipality names; links are made by the caller (`change_url`), so
no service or blueprint needs another blueprint to show an application's answers."""
import functools

from babel import Locale
from flask_babel import format_decimal, get_locale, ngettext

from .eligibility import RESIDENCE_BASES
from flask_babel.speaklater import LazyString

from .i18n import current_lang, language_name, lazy_gettext as _l
from .models import CONTACT_SHARING_CONSENTS, Municipality

# ---------------------------------------------------------------- the steps, in order (pure)

STEPS = ("about-you", "contact", "residence", "education", "work", "languages", "goals", "consent")
CHECK = "check"


def first_unfinished(completed) -> str:
    """The first step not yet saved, or the check page when all are saved."""
    done = set(completed or ())
    return next((step for step in STEPS if step not in done), CHECK)


def may_open(step: str, completed) -> bool:
    """A step opens when every step before it has been saved (no jumping ahead by URL)."""
    done = set(completed or ())
    if step == CHECK:
        return all(s in done for s in STEPS)
    return step in STEPS and all(s in done for s in STEPS[:STEPS.index(step)])


def next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else CHECK


def previous_step(step: str) -> str | None:
    if step == CHECK:
        return STEPS[-1]
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None


# ---------------------------------------------------------------- the words for coded answers

CONSENT_VERSION = "2026-12"        # from 2026-12: the mentor receives the mentee's name, email and phone
assert CONSENT_VERSION in CONTACT_SHARING_CONSENTS
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


TITLES = {"about-you": _l("About you"), "contact": _l("Contact and address"),
          "residence": _l("Residence and background"), "education": _l("Education"),
          "work": _l("Work experience"), "languages": _l("Languages"), "goals": _l("Your goals"),
          "consent": _l("Consent"), "check": _l("Check your answers")}


# ---------------------------------------------------------------- the answers as rows

def _label(choices, value):
    return next((label for code, label in choices if code == value), value)


def _language(code):
    """Danish or English by their words; another offered language by its name in the reader's language."""
    if code is None or code in dict(LANGUAGE_CHOICES):
        return _label(LANGUAGE_CHOICES, code)
    return LazyString(lambda: language_name(code, current_lang()))


def _yes(value):
    return _l("Yes") if value == "yes" else _l("No")


def rows_of(application, change_url=None):
    """An application's answers as (section title, rows); see `sections`."""
    return sections(application.answers, dict(Municipality.names()), change_url)


def sections(answers: dict, municipality_names: dict, change_url=None):
    """The answers as (section title, rows) for the DKFDS summary list. `municipality_names` maps a code to
    its name; `change_url(step)` gives a row's "Change" link (None: no links, as for staff, who read the
    answers but do not change them)."""
    answers = answers or {}
    countries = {code: name for code, name in country_choices(origin=True) if code}   # not the placeholder
    municipalities = municipality_names
    result = []

    def row(step, key, value, multiline=False):
        return {"key": key, "value": value if value not in (None, "", []) else _l("Not given"),
                "change_url": change_url(step) if change_url else None,
                "change_label": key, "multiline": multiline}

    a = answers.get("about-you", {})
    result.append((TITLES["about-you"], [
        row("about-you", _l("Full name"), a.get("full_name")),
        row("about-you", _l("Year of birth"), a.get("birth_year")),
        row("about-you", _l("Language we write to you in"), _language(a.get("language")))]))
    c = answers.get("contact", {})
    result.append((TITLES["contact"], [
        row("contact", _l("Email address"), c.get("email")),
        row("contact", _l("Phone number"), c.get("phone")),
        row("contact", _l("Address"), " ".join(filter(None, [c.get("address"), c.get("postcode")]))),
        row("contact", _l("Municipality"), municipalities.get(c.get("municipality")))]))
    r = answers.get("residence", {})
    residence_rows = [
        row("residence", _l("Country you come from"), countries.get(r.get("country_of_origin"))),
        row("residence", _l("Year you came to Denmark"), r.get("arrival_year")),
        row("residence", _l("Residence permit"), _label(RESIDENCE_CHOICES, r.get("residence_basis")))]
    if r.get("reunified_with_basis"):
        residence_rows.append(row("residence", _l("Your family member’s residence permit"),
                                  _label(RESIDENCE_CHOICES, r["reunified_with_basis"])))
    result.append((TITLES["residence"], residence_rows))
    education = answers.get("education", {}).get("entries", [])
    result.append((TITLES["education"], [
        row("education", _label(EDUCATION_LEVELS, e.get("level")), _education(e, countries))
        for e in education] or [row("education", _l("Education"), _l("None added"))]))
    work = answers.get("work", {}).get("entries", [])
    result.append((TITLES["work"], [
        row("work", w.get("role"), _listed(w.get("sector"), countries.get(w.get("country")),
                                           _years(w.get("years")) if w.get("years") else None))
        for w in work] or [row("work", _l("Work experience"), _l("None added"))]))
    lang = answers.get("languages", {})
    result.append((TITLES["languages"], [
        row("languages", _l("Danish"), _label(CEFR_CHOICES, lang.get("danish_level"))),
        row("languages", _l("Danish test"), _label(DANISH_TEST_CHOICES, lang.get("danish_test")) if lang.get("danish_test") else _l("None")),
        row("languages", _l("Danish course"), _danish_course(lang.get("danish_course"), lang.get("danish_module"))),
        row("languages", _l("English"), _label(CEFR_CHOICES, lang.get("english_level"))),
        row("languages", _l("English test"), " ".join(str(x) for x in filter(None, [
            _label(ENGLISH_TEST_CHOICES, lang.get("english_test")) if lang.get("english_test") else None,
            _number(lang.get("english_test_score"))])) or _l("None")),
        row("languages", _l("Other languages"), lang.get("other_languages"))]))
    g = answers.get("goals", {})
    result.append((TITLES["goals"], [
        row("goals", _l("Goals"), ", ".join(str(_label(GOAL_CHOICES, x)) for x in g.get("goals") or [])),
        row("goals", _l("Fields or trades"), g.get("wished_fields")),
        row("goals", _l("More about you"), g.get("more"), multiline=True)]))
    result.append((TITLES["consent"], [
        row("consent", _l("Consent"), _yes("yes" if answers.get("consent", {}).get("consent") else "no"))]))
    return result


def _listed(*parts) -> str:
    return ", ".join(str(part) for part in parts if part not in (None, ""))


def _education(entry, countries) -> str:
    """"Civil engineering, Lebanon, 2010. Assessed in Denmark: Yes"."""
    facts = _listed(entry.get("field"), countries.get(entry.get("country")), entry.get("year_finished"))
    assessed = entry.get("danish_assessment")
    if not assessed:
        return facts
    answer = _l("Assessed in Denmark: %(answer)s", answer=_label(ASSESSMENT_CHOICES, assessed))
    return f"{facts}. {answer}" if facts else str(answer)


def _danish_course(course, module) -> str:
    """"Danskuddannelse 3, module 4", or that the person has not taken Danish lessons."""
    return _listed(_label(DANISH_COURSE_CHOICES, course or ""),
                   _l("module %(module)s", module=module) if module else None)


def _years(value):
    return ngettext("%(years)s year", "%(years)s years", 1 if value == 1 else 2, years=_number(value))


def _number(value):
    """A number as the page's language writes it: 2.5 -> '2,5' in Danish, '2.5' in English; 3.0 -> '3'."""
    if value is None:
        return None
    return format_decimal(value)
