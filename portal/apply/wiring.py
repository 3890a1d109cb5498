"""Builds the step forms (with their choices), turns them into stored answers, and back into a summary."""
import re

from flask import current_app, request, session, url_for
from werkzeug.datastructures import MultiDict

from .. import answers as flow
from .. import places
from ..answers import TITLES
from ..i18n import current_lang, language_name, lazy_gettext as _l, reader_language
from ..models import Municipality
from ..mother_tongue import STEP_EXPLANATIONS
from ..services.registration import unsaved_input
from . import forms as f

FORMS = {"about-you": f.AboutYouStep, "contact": f.ContactStep, "residence": f.ResidenceStep,
         "education": f.EducationStep, "work": f.WorkStep, "languages": f.LanguagesStep,
         "goals": f.GoalsStep, "consent": f.ConsentStep}
_UNSET = object()


def municipality_choices():
    return [("", _l("Choose your municipality")), *Municipality.names()]


def build_form(step, application, formdata=_UNSET):
    """The step's form holding the posted values, else the saved answers; choices filled in."""
    saved = dict((application.answers or {}).get(step) or {}) if application else {}
    if step == "about-you" and not saved:
        saved["language"] = reader_language()      # the language the applicant reads the portal in
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


def letter_language_choices():
    """Every offered language, for the applicant's letters: named in the page's language, and in itself."""
    choices = []
    for code, own_name in current_app.config["LANGUAGES"].items():
        label = dict(f.LANGUAGE_CHOICES).get(code) or language_name(code, current_lang())
        choices.append((code, label if code in current_app.config["FORM_LANGUAGES"] else f"{label} – {own_name}"))
    return choices


def _fill_choices(form, step):
    if step == "about-you":
        form.language.choices = letter_language_choices()
    elif step == "contact":
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


# The link to come back to the draft (from any browser), kept with the draft it opens so every step after the
# contact step can show it: [application public id, link]. "resume_link_new": show it in full once.
RESUME_KEY = "resume_link"


def keep_resume_link(application, link: str, new: bool = False) -> None:
    session[RESUME_KEY] = [application.public_id, link]
    if new:
        session["resume_link_new"] = True


def resume_link_of(application) -> str | None:
    kept = session.get(RESUME_KEY)
    if application is None or not isinstance(kept, list) or len(kept) != 2 or kept[0] != application.public_id:
        return None
    return kept[1]


def step_context(step, application, form):
    """What the step page needs besides the form: the step indicator, the back link, the resume link."""
    previous = flow.previous_step(step)
    returning = request.args.get("return") == "check"
    context = {
        "title": TITLES[step], "indicator": indicator(application), "current_index": flow.STEPS.index(step),
        "back_url": url_for("apply.check") if returning else (
            url_for("apply.step", step=previous) if previous else url_for("public.index")),
        "action_url": url_for("apply.step", step=step, **({"return": "check"} if returning else {})),
        "resume_link": resume_link_of(application),
        "resume_link_new": session.pop("resume_link_new", False) if request.method == "GET" else False,
        "leave_form": "step-form",         # the back link and the language switch post it (typed input kept)
        "step_explanation": STEP_EXPLANATIONS.get(step),   # under the heading, in the reader's own language
    }
    if step == "contact":
        codes = places.municipalities_for(form.postcode.data)
        context["suggested"] = list(Municipality.select().where(Municipality.code.in_(codes))) if codes else []
    return context


def check_rows(application):
    """The answers for the check page, each row linked to its step (and back to the check page)."""
    return flow.rows_of(application, change_url=lambda step: url_for("apply.step", step=step, **{"return": "check"}))
