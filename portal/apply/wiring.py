"""Builds the step forms (with their choices), turns them into stored answers, and back into a summary."""
import re

from flask import request, session, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from .. import places
from ..i18n import lazy_gettext as _l
from ..models import Municipality
from ..services.registration import unsaved_input
from . import forms as f
from . import steps as flow

FORMS = {"about-you": f.AboutYouStep, "contact": f.ContactStep, "residence": f.ResidenceStep,
         "education": f.EducationStep, "work": f.WorkStep, "languages": f.LanguagesStep,
         "goals": f.GoalsStep, "consent": f.ConsentStep}
TITLES = {"about-you": _l("About you"), "contact": _l("Contact and address"),
          "residence": _l("Residence and background"), "education": _l("Education"),
          "work": _l("Work experience"), "languages": _l("Languages"), "goals": _l("Your goals"),
          "consent": _l("Consent"), "check": _l("Check your answers")}
_UNSET = object()


def municipality_choices():
    return [("", _l("Choose your municipality")), *Municipality.names()]


def build_form(step, application, formdata=_UNSET):
    """The step's form holding the posted values, else the saved answers; choices filled in."""
    saved = dict((application.answers or {}).get(step) or {}) if application else {}
    if step == "about-you" and not saved:
        saved["language"] = str(get_locale() or "da")
    typed = unsaved_input(application, step) if formdata is _UNSET and request.method == "GET" else None
    if typed:                              # typed before the person went back or changed language
        formdata = MultiDict([(name, value) for name, values in typed.items() for value in values])
    kwargs = {} if formdata is _UNSET else {"formdata": formdata}
    form = FORMS[step](data=saved, **kwargs)
    _fill_choices(form, step)
    if step == "contact" and not form.municipality.data:
        suggested = places.municipalities_for(form.postcode.data)
        if len(suggested) == 1:
            form.municipality.data = suggested[0]
    return form


def _fill_choices(form, step):
    if step == "contact":
        form.municipality.choices = municipality_choices()
    elif step == "residence":
        form.country_of_origin.choices = f.country_choices(origin=True)
    elif step in ("education", "work"):
        countries = f.country_choices()
        for entry in form.entries:
            entry.form.country.choices = countries


TYPED_MAX = 4000                 # characters kept of one typed value (no field takes more than 2000)
_ENTRY_NAME = re.compile(r"entries-(\d{1,2})-(\w+)")


def typed_input(step, form) -> dict:
    """What was posted to a step's form, as typed (field name -> values): the form's own fields only,
    each value cut at TYPED_MAX characters."""
    own = {field.name for field in form if field.type not in ("CSRFTokenField", "FieldList")}
    entries = getattr(form, "entries", None)
    entry_fields = {sub.short_name for sub in entries[0].form} if entries is not None and len(entries) else set()

    def wanted(name):
        match = _ENTRY_NAME.fullmatch(name)
        return name in own or bool(match and match[2] in entry_fields and int(match[1]) < entries.max_entries)
    return {name: [value[:TYPED_MAX] for value in request.form.getlist(name)][:20]
            for name in request.form if wanted(name)}


def entries_action(form, action, step="education"):
    """Add or remove a repeated entry (education, job) without saving or validating.

    Returns what a screen reader is told and where focus goes next (the new entry's first field, or the
    step's heading after a removal), or None when nothing changed."""
    rows = [entry.data for entry in form.entries]
    done = None
    if action == "add" and len(rows) < form.entries.max_entries:
        rows.append({})
        n = len(rows)
        done = {"announce": _l("Job %(n)s added", n=n) if step == "work" else _l("Education %(n)s added", n=n),
                "focus": None}
    elif action.startswith("remove-") and action[7:].isdigit() and int(action[7:]) < len(rows):
        n = int(action[7:]) + 1
        del rows[n - 1]
        done = {"announce": _l("Job %(n)s removed", n=n) if step == "work" else _l("Education %(n)s removed", n=n),
                "focus": "step-heading"}
    form.entries.entries = []
    form.entries.last_index = -1
    for row in rows or [{}]:
        form.entries.append_entry(row)
    _fill_choices(form, "education")
    if done and done["focus"] is None:
        done["focus"] = next(iter(form.entries[-1].form)).id          # the new entry's first field
    return done


def answers_of(step, form) -> dict:
    """What is stored for a step: plain JSON values; answers to questions that no longer apply are dropped."""
    data = {key: value for key, value in form.data.items() if key != "csrf_token"}
    if step in ("education", "work"):
        return {"entries": form.filled_entries()}
    if step == "residence" and data.get("residence_basis") != "9":
        data["reunified_with_basis"] = None
    if step == "languages":
        if data.get("danish_test_passed") != "yes":
            data["danish_test"] = None
        if data.get("english_test_passed") != "yes":
            data["english_test"] = data["english_test_score"] = None
        if data.get("english_test") not in f.SCORED_TESTS:
            data["english_test_score"] = None
    if step == "consent":
        data["consent_version"] = f.CONSENT_VERSION          # the version shown, never what was posted
    return data


def indicator(application):
    """The DKFDS step indicator: every step, done or not, linked once it may be opened."""
    completed = set(application.completed_steps or ()) if application else set()
    steps = [{"label": TITLES[s], "done": s in completed,
              "url": url_for("apply.step", step=s) if flow.may_open(s, completed) else None}
             for s in flow.STEPS]
    steps.append({"label": TITLES["check"], "done": False,
                  "url": url_for("apply.check") if flow.may_open(flow.CHECK, completed) else None})
    return steps


def step_context(step, application, form):
    """What the step page needs besides the form: the step indicator, the back link, the resume link."""
    previous = flow.previous_step(step)
    returning = request.args.get("return") == "check"
    context = {
        "title": TITLES[step], "indicator": indicator(application), "current_index": flow.STEPS.index(step),
        "back_url": url_for("apply.check") if returning else (
            url_for("apply.step", step=previous) if previous else url_for("public.index")),
        "action_url": url_for("apply.step", step=step, **({"return": "check"} if returning else {})),
        "resume_link": session.pop("resume_link", None) if request.method == "GET" else None,
        "leave_form": "step-form",         # the back link and the language switch post it (typed input kept)
    }
    if step == "contact":
        codes = places.municipalities_for(form.postcode.data)
        context["suggested"] = list(Municipality.select().where(Municipality.code.in_(codes))) if codes else []
    return context


def _label(choices, value):
    return next((label for code, label in choices if code == value), value)


def _yes(value):
    return _l("Yes") if value == "yes" else _l("No")


def check_rows(application, links=True):
    """The answers as (section title, rows) for the DKFDS summary list; each row links to its step
    (`links=False`: no links, for staff, who read the answers but do not change them)."""
    answers = application.answers or {}
    countries = {code: name for code, name in f.country_choices(origin=True) if code}   # not the placeholder
    municipalities = dict(Municipality.names())
    sections = []

    def row(step, key, value, multiline=False):
        return {"key": key, "value": value if value not in (None, "", []) else _l("Not given"),
                "change_url": url_for("apply.step", step=step, **{"return": "check"}) if links else None,
                "change_label": key, "multiline": multiline}

    a = answers.get("about-you", {})
    sections.append((TITLES["about-you"], [
        row("about-you", _l("Full name"), a.get("full_name")),
        row("about-you", _l("Year of birth"), a.get("birth_year")),
        row("about-you", _l("Language we write to you in"), _label(f.LANGUAGE_CHOICES, a.get("language")))]))
    c = answers.get("contact", {})
    sections.append((TITLES["contact"], [
        row("contact", _l("Email address"), c.get("email")),
        row("contact", _l("Phone number"), c.get("phone")),
        row("contact", _l("Address"), " ".join(filter(None, [c.get("address"), c.get("postcode")]))),
        row("contact", _l("Municipality"), municipalities.get(c.get("municipality")))]))
    r = answers.get("residence", {})
    residence_rows = [
        row("residence", _l("Country you come from"), countries.get(r.get("country_of_origin"))),
        row("residence", _l("Year you came to Denmark"), r.get("arrival_year")),
        row("residence", _l("Residence permit"), _label(f.RESIDENCE_CHOICES, r.get("residence_basis")))]
    if r.get("reunified_with_basis"):
        residence_rows.append(row("residence", _l("Your family member’s residence permit"),
                                  _label(f.RESIDENCE_CHOICES, r["reunified_with_basis"])))
    sections.append((TITLES["residence"], residence_rows))
    education = answers.get("education", {}).get("entries", [])
    sections.append((TITLES["education"], [
        row("education", _label(f.EDUCATION_LEVELS, e.get("level")),
            ", ".join(str(x) for x in filter(None, [e.get("field"), countries.get(e.get("country")), e.get("year_finished")])))
        for e in education] or [row("education", _l("Education"), _l("None added"))]))
    work = answers.get("work", {}).get("entries", [])
    sections.append((TITLES["work"], [
        row("work", w.get("role"), _years(w.get("years")) if w.get("years") else None)
        for w in work] or [row("work", _l("Work experience"), _l("None added"))]))
    lang = answers.get("languages", {})
    sections.append((TITLES["languages"], [
        row("languages", _l("Danish"), _label(f.CEFR_CHOICES, lang.get("danish_level"))),
        row("languages", _l("Danish test"), _label(f.DANISH_TEST_CHOICES, lang.get("danish_test")) if lang.get("danish_test") else _l("None")),
        row("languages", _l("English"), _label(f.CEFR_CHOICES, lang.get("english_level"))),
        row("languages", _l("English test"), " ".join(str(x) for x in filter(None, [
            _label(f.ENGLISH_TEST_CHOICES, lang.get("english_test")) if lang.get("english_test") else None,
            _number(lang.get("english_test_score"))])) or _l("None")),
        row("languages", _l("Other languages"), lang.get("other_languages"))]))
    g = answers.get("goals", {})
    sections.append((TITLES["goals"], [
        row("goals", _l("Goals"), ", ".join(str(_label(f.GOAL_CHOICES, x)) for x in g.get("goals") or [])),
        row("goals", _l("Fields or trades"), g.get("wished_fields")),
        row("goals", _l("More about you"), g.get("more"), multiline=True)]))
    sections.append((TITLES["consent"], [
        row("consent", _l("Consent"), _yes("yes" if answers.get("consent", {}).get("consent") else "no"))]))
    return sections


def _years(value):
    return ngettext("%(years)s year", "%(years)s years", 1 if value == 1 else 2, years=_number(value))


def _number(value):
    """A number as the page's language writes it: 2.5 -> '2,5' in Danish, '2.5' in English; 3.0 -> '3'."""
    if value is None:
        return None
    return format_decimal(value)
