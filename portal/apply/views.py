"""The applicant's form: one URL per step, saved on the server at each step, then check and submit."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from ..access import public
from ..security import keeps_input, token_refused
from ..htmx import page_or_fragment
from ..models import Application
from .. import answers as flow
from ..services import registration
from .forms import SubmitForm
from .wiring import (RESUME_KEY, answers_of, build_form, check_rows, entries_action, indicator, keep_resume_link,
                     resume_link_of, step_context, typed_input)

bp = Blueprint("apply", __name__, url_prefix="/apply")
# GET      /apply/                     continue where the applicant left off
# GET/POST /apply/<step>               one step of the form
# GET      /apply/municipalities       htmx: the municipality field, suggested from a postcode
# GET      /apply/check                check your answers
# POST     /apply/submit               submit
# GET      /apply/done                 the receipt with the reference number
# GET      /apply/resume/<token>       come back from another browser
# GET      /apply/saved                "Save and come back later": the link to come back with

SESSION_KEY = "application"
# When the application was last sent, as this browser was given it: sending it ends every browser's right to
# edit it, and only a fresh link from an email (the "needs more information" one) gives it back.
SENT_KEY = "application_sent_at"


def _sent_at(application: Application) -> str | None:
    return application.submitted_at.isoformat() if application.submitted_at else None


def open_in_this_browser(application: Application) -> None:
    """Let this browser edit the application, until it is sent (again)."""
    session[SESSION_KEY] = application.public_id
    session[SENT_KEY] = _sent_at(application)


def current_application() -> Application | None:
    """The application this browser is working on, if it is still editable and was not sent since this
    browser was given it (a shared computer that sent it cannot open it again when staff ask for more)."""
    public_id = session.get(SESSION_KEY)
    application = Application.by_public_id(public_id) if public_id else None
    if application is None or application.status not in registration.EDITABLE:
        return None
    if session.get(SENT_KEY) != _sent_at(application):
        return None
    return application


@bp.get("/")
@public
def start():
    """Go to the first unfinished step (the first step for a new applicant)."""
    application = current_application()
    return redirect(url_for("apply.step", step=flow.first_unfinished(application.completed_steps if application else ())))


@bp.route("/<step>", methods=["GET", "POST"])
@public
@keeps_input
def step(step):
    """Show or save one step; a step can only be opened once the steps before it are saved."""
    if step not in flow.STEPS:
        abort(404)
    application = current_application()
    completed = application.completed_steps if application else ()
    if not flow.may_open(step, completed) and request.method == "GET":
        return redirect(url_for("apply.step", step=flow.first_unfinished(completed)))
    form = build_form(step, application)
    action = request.form.get("action", "")
    changed = None                               # an entry added or removed: announced, focus moved
    leaving = request.form.get("go") if request.method == "POST" else None
    if leaving in LEAVING and token_refused():
        # The form had expired: nothing is kept, the page comes back with what was typed.
        form.form_errors.append(_("The form had expired, so nothing was saved. "
                                  "Check what you entered and send it again."))
    elif leaving in LEAVING:
        return _keep_and_leave(application, step, completed, leaving, form)
    elif request.method == "POST" and action.startswith(("add", "remove")) and hasattr(form, "entries"):
        changed = entries_action(form, action, step)
    elif request.method == "POST" and request.args.get("validate"):
        form.validate()                          # inline check by htmx: nothing is saved
    elif form.validate_on_submit():
        if application is None and step != flow.STEPS[0]:
            form.form_errors.append(_("We could not find your application in this browser, so this page "
                                      "was not saved. Open the link we gave you to continue, or start again."))
        elif not flow.may_open(step, completed):
            return redirect(url_for("apply.step", step=flow.first_unfinished(completed)))
        else:
            return _save_and_continue(application, step, answers_of(step, form), form)
    return page_or_fragment("apply/step.html", "apply/_step_form.html", form=form, step=step, changed=changed,
                            **step_context(step, application, form))


# The buttons that leave a step without saving it as an answer: the back link, the language switch and "Save
# and come back later" (buttons of the step's form, so what was typed goes with them, with or without JavaScript).
LEAVING = ("back", "language", "later")


def _keep_and_leave(application, step, completed, leaving, form):
    """Keep what was typed on the step as it is (not validated, not an answer yet), then go back, or
    show the step again in the language chosen (?lang= in the URL posted to)."""
    context = step_context(step, application, form)
    target = context["back_url"] if leaving == "back" else url_for("apply.step", step=step, **request.args)
    typed = typed_input(step, form)
    # A new applicant who typed nothing (the language question answers itself) gets no draft.
    nothing_typed = not any(value for name, values in typed.items() if name != "language" for value in values)
    if leaving == "later":
        target = url_for("apply.saved")
    if not flow.may_open(step, completed) or (application is None and nothing_typed and leaving != "later"):
        return redirect(target)
    try:
        if application is None:
            application = registration.new_draft(typed.get("language", [""])[0] or str(get_locale() or "da"))
            session[SESSION_KEY] = application.public_id
        registration.keep_unsaved(application, step, typed)
        if leaving == "later" and resume_link_of(application) is None:
            # Emailed too once the draft has an address; saved before the contact step, the contact step
            # still emails a link (resume_shown stays unset).
            keep_resume_link(application, registration.issue_resume_link(application, client=request.remote_addr))
    except registration.NotEditable:             # sent in another tab meanwhile: nothing here to keep
        flash(_("Your application has already been sent, so it cannot be changed here."), "info")
    except registration.StorageFull:
        form.form_errors.append(_("The service is busy right now") + ". "
                                + _("Nothing you entered has been lost. Try again in a few minutes."))
        return page_or_fragment("apply/step.html", "apply/_step_form.html", form=form, step=step,
                                **context), 503
    return redirect(target)


def _save_and_continue(application, step, answers, form):
    try:
        if application is None:
            application = registration.new_draft(answers.get("language") or "da")
            open_in_this_browser(application)
        application = registration.save_step(application, step, answers, channel=_channel())
    except registration.NotEditable:
        flash(_("Your application has already been sent, so it cannot be changed here."), "info")
        return redirect(url_for("status.start"))
    except registration.StorageFull:
        # Disk full: nothing was saved; the page comes back with what was typed, and sending again works.
        form.form_errors.append(_("The service is busy right now") + ". "
                                + _("Nothing you entered has been lost. Try again in a few minutes."))
        return page_or_fragment("apply/step.html", "apply/_step_form.html", form=form, step=step,
                                **step_context(step, application, form)), 503
    if step == "contact" and not session.get("resume_shown"):
        keep_resume_link(application, registration.issue_resume_link(application, client=request.remote_addr),
                         new=True)
        session["resume_shown"] = True
    if request.args.get("return") == "check" and flow.may_open(flow.CHECK, application.completed_steps):
        return redirect(url_for("apply.check"))
    return redirect(url_for("apply.step", step=flow.next_step(step)))


def _channel():
    """Who is filling in the form: the applicant, or a caseworker on the citizen's behalf."""
    return "caseworker" if current_user.is_authenticated and current_user.role == "caseworker" else "self"


@bp.get("/municipalities")
@public
def municipalities():
    """htmx: the municipality field with the municipalities a postcode reaches suggested."""
    form = build_form("contact", current_application(), formdata=request.args)
    return render_template("apply/_municipality_field.html", form=form,
                           **step_context("contact", None, form))


@bp.get("/check")
@public
def check():
    """Check your answers before sending."""
    application = current_application()
    if application is None or not flow.may_open(flow.CHECK, application.completed_steps):
        return redirect(url_for("apply.start"))
    return _check_page(application, SubmitForm())


def _check_page(application, form):
    return render_template("apply/check.html", application=application, form=form,
                           rows=check_rows(application), assessment=registration.assess(application),
                           steps=flow.STEPS, indicator=indicator(application),
                           resume_link=resume_link_of(application))


@bp.post("/submit")
@public
@keeps_input
def submit():
    """Send the application: exactly once, however often the button is pressed."""
    application = current_application()
    if application is None:
        done = Application.by_public_id(session.get(SESSION_KEY) or "")
        return redirect(url_for("apply.done") if done and done.reference else url_for("apply.start"))
    form = SubmitForm()
    if not form.validate_on_submit():
        return _check_page(application, form)
    try:
        registration.submit(application, actor=current_user if current_user.is_authenticated else None)
    except registration.NotEditable:
        return redirect(url_for("apply.start"))
    session.pop(RESUME_KEY, None)                  # sent: the link no longer opens it
    return redirect(url_for("apply.done"))


@bp.get("/done")
@public
def done():
    """The receipt: the reference number and what happens next."""
    application = Application.by_public_id(session.get(SESSION_KEY) or "")
    if application is None or not application.reference:
        return redirect(url_for("apply.start"))
    return render_template("apply/done.html", application=application)


@bp.get("/resume/<token>")
@public
def resume(token):
    """Continue a saved application, in this or another browser."""
    application = registration.resume(token)
    if application is None:
        return render_template("apply/resume_expired.html"), 404
    open_in_this_browser(application)
    session["resume_shown"] = True
    keep_resume_link(application, registration.absolute_url("apply.resume", language=application.language,
                                                            token=token))
    return redirect(url_for("apply.step", step=flow.first_unfinished(application.completed_steps)))


@bp.get("/saved")
@public
def saved():
    """After "Save and come back later": the link to come back with, from this or any other browser."""
    application = current_application()
    link = resume_link_of(application)
    if link is None:
        return redirect(url_for("apply.start"))
    return render_template("apply/saved.html", application=application, resume_link=link)


@bp.context_processor
def _inline_checks():
    def check_on_leave(field):
        """htmx attributes that check a text field when it is left, swapping only that field's group.
        In the answer to that check, a refused field carries its error in data-announce: app.js says it
        in #step-announcement, the live region that stays in the page (focus is on the next field by then)."""
        attrs = {"data-hx-post": url_for("apply.step", step=request.view_args.get("step"), validate=1),
                 "data-hx-trigger": "change", "data-hx-target": "closest .form-group", "data-hx-swap": "outerHTML",
                 "data-hx-select": f".form-group:has(> #{field.id})"}
        if request.args.get("validate") and field.errors:
            attrs["data-announce"] = f"{_('Error:')} {field.errors[0]}"
        return attrs
    return {"check_on_leave": check_on_leave}
