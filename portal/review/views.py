"""/review/: the staff review queue, one application's file, decisions, notes and the CSV export."""
from flask import Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import answers
from ..access import staff_only
from ..clock import now_utc
from ..eligibility import Assessment
from ..htmx import is_htmx
from ..i18n import current_lang, language_name, lazy_gettext as _l
from ..lifecycle import Status
from ..models import Municipality, Programme
from ..referrals.forms import CONSENT_HOW
from ..security import keeps_input
from ..services import application_file, decisions, erasures, review_export, review_queue
from ..services.moves import MoveRefused
from .forms import (DECISION_FORMS, STATUS_LABELS, VERDICT_LABELS, DeleteNowForm, NoteForm, QueueFilterForm,
                    RefuseErasureForm)

bp = Blueprint("review", __name__, url_prefix="/review")
# GET       /review/                         the queue (htmx: only the results region)
# GET       /review/export.csv               the current filter as CSV, streamed
# GET       /review/<reference>              one application: answers, eligibility, duplicates, history, notes
# GET       /review/<reference>/openings     who opened the application, and when (paged)
# POST      /review/<reference>/notes        add an internal note (htmx: only the notes)
# GET/POST  /review/<reference>/<action>     confirm, then take | approve | reject | ask | withdraw
# GET       /review/deletions                the applicants' open erasure requests, with their due dates
# GET/POST  /review/deletions/<reference>/delete   confirm, then delete the applicant's data now
# GET/POST  /review/deletions/<reference>/refuse   refuse the request, with the reason the applicant is told

EXPORT_HEADERS = (_l("Reference"), _l("Name"), _l("Email"), _l("Phone"), _l("Municipality code"),
                  _l("Municipality"), _l("Submitted (UTC)"), _l("Source"), _l("Language"),
                  _l("Eligibility check"), _l("Possible duplicate"), _l("Status"), _l("Programme"),
                  _l("Reviewer"), _l("Decided (UTC)"))


@bp.get("/")
@staff_only
def queue():
    """The queue; htmx asks for the results region only, and the URL keeps the filters."""
    form, filters = _filters()
    result = review_queue.queue(filters, current_user, page=request.args.get("page", 1, type=int) or 1)
    # htmx lost its snapshot of the page (history restore): it needs the whole page.
    whole_page = not is_htmx() or request.headers.get("HX-History-Restore-Request") == "true"
    response = make_response(render_template(
        "review/queue.html" if whole_page else "review/_queue_results.html",
        form=form, result=result, filters=filters, oob=not whole_page, **_queue_links(filters)))
    response.vary.add("HX-Request")
    return response


@bp.get("/export.csv")
@staff_only
def export():
    """The applications of the current filter as CSV (UTF-8 with BOM, `;`), streamed row by row."""
    _, filters = _filters()
    user = current_user._get_current_object()         # the body is sent after the request has ended
    review_export.start_export(filters, user)
    chunks = review_export.export_rows(filters, user, [str(h) for h in EXPORT_HEADERS], _export_words())
    # Not stream_with_context: it keeps this request's context pushed until the body is read, and a
    # client that never reads it (or a test) then leaves it on the stack. The generator needs none.
    response = Response(chunks, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="applications-{now_utc():%Y%m%d-%H%M}.csv"')
    return response


@bp.get("/<reference>")
@staff_only
def application(reference):
    """One application, as staff see it; every view is in the audit log."""
    found = application_file.open_application(reference, current_user) or abort(404)
    return _application_page(found)


@bp.get("/<reference>/openings")
@staff_only
def openings(reference):
    """Who opened the application and when, newest first: its page lists none, as each opening adds one.
    Only staff's names and times, no personal data of the applicant's, so this page is not a view."""
    found = application_file.find(reference) or abort(404)
    rows, page, pages = application_file.openings(found, request.args.get("page", 1, type=int))
    return render_template("review/openings.html", application=found, openings=rows, page=page, pages=pages,
                           url_for_page=lambda n: url_for("review.openings", reference=reference, page=n))


@bp.post("/<reference>/notes")
@staff_only
@keeps_input
def add_note(reference):
    """Add an internal note; htmx gets the notes region back, others the page."""
    found = application_file.find(reference) or abort(404)
    form, added = NoteForm(), None
    if form.validate_on_submit():
        added = application_file.add_note(found, current_user, form.body.data)
        if not is_htmx():
            flash(_("Note added."), "success")
            return redirect(url_for("review.application", reference=reference, _anchor="notes"))
        form = None                                   # added: the blank form again
    if is_htmx():
        # `added`: app.js moves focus to the new note and announces it in #notes-announcement.
        return render_template("review/_notes.html", application=found, notes=application_file.notes_of(found),
                               note_form=form or NoteForm(formdata=None), added=added)
    return _application_page(application_file.open_application(reference, current_user), form)


@bp.route("/<reference>/<action>", methods=["GET", "POST"])
@staff_only
@keeps_input
def decide(reference, action):
    """The confirmation step of a decision, and the decision itself."""
    if action not in decisions.ACTIONS:
        abort(404)
    found = application_file.find(reference) or abort(404)
    form = _decision_form(action, found)
    if request.method == "GET" and not decisions.may(action, found, current_user):
        flash(_not_allowed_message(action, found.status), "error")
        return redirect(url_for("review.application", reference=reference))
    if form.validate_on_submit():
        try:
            emailed = _apply(action, found, form)
        except MoveRefused as refused:
            if refused.code == "changed":
                return _confirm_page(action, found, form, problem="conflict"), 409
            return _confirm_page(action, found, form, problem=_refusal_message(action, refused),
                                 offer_waiting_list=refused.code in PROGRAMME_PROBLEMS
                                 and decisions.may("wait_list", found, current_user)), 409
        flash(_done_message(action, found, emailed), "success")
        return redirect(url_for("review.application", reference=reference))
    return _confirm_page(action, found, form)


@bp.get("/deletions")
@staff_only
def deletions():
    """Every open erasure request with its due date; the purge carries out those past it."""
    return render_template("review/deletions.html", requests=erasures.open_requests(), due_at=erasures.due_at,
                           now=now_utc())


@bp.route("/deletions/<reference>/delete", methods=["GET", "POST"])
@staff_only
def delete_now(reference):
    """Confirm, then carry out the request: the data goes, the applicant gets a confirmation."""
    found = erasures.find_open(reference)
    if found is None:
        return _no_open_request(reference)
    form = DeleteNowForm()
    if form.validate_on_submit():
        try:
            emailed = erasures.carry_out(found, current_user._get_current_object())
        except erasures.NotOpen:
            return _no_open_request(reference)
        flash(_("The data of %(reference)s is deleted.", reference=reference) + " "
              + (_("We have emailed the applicant a confirmation.") if emailed else _tell_by_phone(found)), "success")
        return redirect(url_for("review.deletions"))
    return render_template("review/deletion.html", action="delete", application=found, form=form,
                           due=erasures.due_at(found))


@bp.route("/deletions/<reference>/refuse", methods=["GET", "POST"])
@staff_only
@keeps_input
def refuse_deletion(reference):
    """Refuse the request with a reason (e.g. the law says the data must be kept); the applicant is told."""
    found = erasures.find_open(reference)
    if found is None:
        return _no_open_request(reference)
    form = RefuseErasureForm()
    if form.validate_on_submit():
        try:
            emailed = erasures.refuse(found, current_user._get_current_object(), form.reason.data)
        except erasures.NotOpen:
            return _no_open_request(reference)
        flash(_("The deletion request of %(reference)s is refused.", reference=reference) + " "
              + (_("We have emailed the applicant the reason.") if emailed else _tell_by_phone(found)), "success")
        return redirect(url_for("review.deletions"))
    return render_template("review/deletion.html", action="refuse", application=found, form=form,
                           due=erasures.due_at(found))


# ---------------------------------------------------------------- helpers

def _tell_by_phone(application):
    return _("The applicant has no email address, so tell them by phone: %(phone)s.", phone=application.phone or "–")


def _no_open_request(reference):
    flash(_("There is no open deletion request for %(reference)s: it has been carried out or refused.",
            reference=reference), "error")
    return redirect(url_for("review.deletions"))


def _filters():
    form = QueueFilterForm(request.args, programmes=Programme.select().order_by(Programme.start_date.desc()))
    return form, form.filters()


def _queue_links(filters):
    args = filters.as_args()
    return {
        "page_url": lambda number: url_for("review.queue", **args, page=number),
        "status_url": lambda status: url_for("review.queue", **review_queue.with_status(filters, status).as_args()),
        "export_url": url_for("review.export", **args),
        "clear_url": url_for("review.queue"),
    }


def _export_words():
    """Words for the codes in the CSV, in the reader's language (resolved now, not while streaming)."""
    labels = {"status": STATUS_LABELS, "verdict": VERDICT_LABELS,
              "source": {"self": _l("Applied themselves"), "referral": _l("Referred")},
              "language": {**{code: language_name(code, current_lang()) for code in current_app.config["LANGUAGES"]},
                           "da": _l("Danish"), "en": _l("English")}}
    return {column: {code: str(text) for code, text in table.items()} for column, table in labels.items()}


def _municipality_names():
    names = dict(Municipality.names())
    return lambda code: names.get(code, code)


def _assessment(application):
    try:
        return Assessment.from_dict(application.eligibility) if application.eligibility else None
    except ValueError:
        return None


def _application_page(application, note_form=None):
    """The page; `note_form` holds a typed note (and its errors) when the note was refused, else is blank."""
    found = application_file.possible_duplicates(application)        # read once: the list, and whether to close as one
    return render_template(
        "review/application.html", application=application, assessment=_assessment(application),
        duplicates=found, referral=application_file.referral_of(application),
        municipality_name=_municipality_names(), consent_labels=dict(CONSENT_HOW),
        sections=answers.rows_of(application), notes=application_file.notes_of(application),
        history=application_file.history(application), note_form=note_form or NoteForm(formdata=None),
        actions=decisions.available_actions(application, current_user, found))


def _decision_form(action, application):
    kwargs = ({"programmes": decisions.open_programmes()} if action in ("approve", "place") else
              {"duplicates": application_file.duplicate_choices(application)} if action == "close_duplicate" else {})
    form = DECISION_FORMS[action](**kwargs)
    if request.method == "GET":
        # No programme is chosen for staff (issue 22): the one assessed against at submission is only the
        # newest open one, not a place; staff choose the cohort, or the waiting list.
        form.version.data = application.version
    return form


def _apply(action, application, form):
    """Run the decision; returns whether the applicant was emailed."""
    version, user = form.version.data, current_user._get_current_object()
    if action == "take":
        decisions.take(application, version, user)
        return False
    if action in ("approve", "place"):
        programme = Programme.get_or_none(Programme.id == int(form.programme.data)) or abort(400)
        return getattr(decisions, action)(application, version, user, programme)[1]
    if action == "wait_list":
        return decisions.wait_list(application, version, user)[1]
    if action == "close_duplicate":
        decisions.close_duplicate(application, version, user, form.kept.data)
        return False
    if action == "reject":
        return decisions.reject(application, version, user, form.code.data, form.message.data)[1]
    if action == "ask":
        return decisions.ask_for_info(application, version, user, form.message.data)[1]
    return decisions.withdraw(application, version, user, form.reason.data)[1]


def _confirm_page(action, application, form, problem=None, offer_waiting_list=False):
    return render_template("review/confirm.html", action=action, application=application, form=form,
                           problem=problem, offer_waiting_list=offer_waiting_list)


PROGRAMME_PROBLEMS = ("programme_not_ended", "programme_has_place")


def _refusal_message(action, refused):
    if refused.code == "programme_not_ended":
        return _("The programme has ended, so no one more can be approved into it. Choose another programme, "
                 "or put the applicant on the waiting list for the next one.")
    if refused.code == "programme_has_place":
        return _("The programme is full. Choose another programme, or put the applicant on the waiting list "
                 "for the next one.")
    if refused.code == "kept_application":
        return _("Choose another submitted application to keep.")
    return _not_allowed_message(action, refused.status)


def _not_allowed_message(action, status):
    text = _("This is not possible while the application is “%(status)s”.",
             status=STATUS_LABELS.get(status, status))
    if status == Status.SUBMITTED and action in ("approve", "reject", "ask"):
        text += " " + _("Take the application first.")
    return text


def _done_message(action, application, emailed):
    messages = {
        "take": _("The application is assigned to you and marked as in review."),
        "approve": _("The application is approved."),
        "place": _("The applicant has a place in the programme."),
        "wait_list": _("The applicant is on the waiting list for the next programme."),
        "close_duplicate": _("The application is closed as a duplicate. No rejection was sent."),
        "reject": _("The application is rejected."),
        "ask": _("The application is waiting for the applicant."),
        "withdraw": _("The application is withdrawn."),
    }
    text = messages[action]
    if action not in ("take", "close_duplicate"):
        text += " " + (_("We have emailed the applicant.") if emailed else
                       _("The applicant has no email address, so tell them by phone: %(phone)s.",
                         phone=application.phone or "–"))
    return text
