"""/status: an applicant follows their own application after a one-time link by email."""
import json
import logging
import time
from functools import partial, wraps

from flask import (Blueprint, Response, after_this_request, copy_current_request_context, current_app, flash,
                   redirect, render_template, request, session, url_for)
from flask_babel import gettext as _

from .. import answers, mail
from ..access import public
from ..apply import views as apply_views
from ..models import Application
from ..security import keeps_input
from ..services import pairing, status
from .forms import ConfirmForm, FindApplicationForm, SendAgainForm

bp = Blueprint("status", __name__, url_prefix="/status")
# GET/POST /status/                 ask for a sign-in link (reference + email)
# GET/POST /status/send-again      "send me my link again": an email address only
# GET/POST /status/sign-in/<token>  the emailed link: GET shows a button, POST uses the link and signs in
# GET      /status/application      the application: status, answers and what the applicant can do
# GET      /status/edit             change the answers (draft or needs_info): on to /apply/check or a step
# GET/POST /status/withdraw         withdraw the application (and the consent), after confirming
# POST     /status/export           download all their data as JSON
# GET/POST /status/delete           ask for their data to be deleted, after confirming
# POST     /status/sign-out         end the status session
# POST     /status/share-with-mentor  agree that the mentor gets the contact details (older consent texts)

log = logging.getLogger("portal.status")
SESSION_KEY = "status_application"
SIGNED_IN_AT = "status_signed_in_at"
EDITABLE_AT_SIGN_IN = "status_editable_at_sign_in"


def _sign_out():
    session.pop(SESSION_KEY, None)
    session.pop(SIGNED_IN_AT, None)
    session.pop(EDITABLE_AT_SIGN_IN, None)


def _may_edit(application) -> bool:
    """Only a sign-in made while the application was open for changes, and since it was last sent, opens it
    for editing: a browser signed in before staff asked for more (a shared computer) needs a new link."""
    return (status.may_edit(application) and session.get(EDITABLE_AT_SIGN_IN) is True
            and status.signed_in_since_sent(application, session.get(SIGNED_IN_AT)))


def signed_in_application() -> Application | None:
    """The application this browser signed in to, for an hour after the sign-in."""
    public_id, signed_in_at = session.get(SESSION_KEY), session.get(SIGNED_IN_AT)
    if not public_id:
        return None
    age = time.time() - signed_in_at if isinstance(signed_in_at, (int, float)) else None
    if age is None or not 0 <= age <= status.SESSION_LIFETIME.total_seconds():
        _sign_out()
        flash(_("For your safety you are signed out an hour after you open the link. Ask for a new link."), "info")
        return None
    return Application.by_public_id(public_id)


def signed_in(view):
    """Give the view the signed-in application; without one, go to the start page."""
    @wraps(view)
    def wrapped(**kwargs):
        application = signed_in_application()
        if application is None:
            _sign_out()
            return redirect(url_for("status.start"))
        return view(application, **kwargs)
    return wrapped


@bp.route("/", methods=["GET", "POST"])
@public
@keeps_input
def start():
    """Ask for a sign-in link; the answer is the same whether or not the details match."""
    form = FindApplicationForm()
    if form.validate_on_submit():
        # Looked up (and the link emailed) once the answer is out: the answer does the same work, and
        # takes the same time, whether or not the details match.
        _after_response(partial(status.send_sign_in_link, form.reference.data, form.email.data))
        return render_template("status/link_sent.html", email=form.email.data)
    return render_template("status/start.html", form=form, again=SendAgainForm(prefix="again", formdata=None))


@bp.route("/send-again", methods=["GET", "POST"])
@public
@keeps_input
def send_again():
    """Email the links of the applications under an address; the same answer whether or not it is known."""
    again = SendAgainForm(prefix="again")
    if again.validate_on_submit():
        _after_response(partial(status.send_links_again, again.email.data, request.remote_addr))
        return render_template("status/link_sent_again.html", email=again.email.data)
    if request.method == "GET":
        return redirect(url_for("status.start"))
    return render_template("status/start.html", form=FindApplicationForm(formdata=None), again=again)


def _after_response(task):
    """Run `task` (in this request's context) after the response has been sent, then send what it queued."""
    @copy_current_request_context
    def run():
        try:
            task()
            if current_app.config["MAIL_SEND_AFTER_REQUEST"]:
                mail.send_pending()
        except Exception:      # the response is out already: a failure is logged, never shown
            log.exception("work after the response failed")

    @after_this_request
    def schedule(response):
        response.call_on_close(run)
        return response


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
@public
@keeps_input
def sign_in(token):
    """Open the application from a one-time link; only the button uses it, so mail scanners cannot."""
    form = ConfirmForm()
    if form.validate_on_submit():
        application = status.sign_in(token)
        if application is not None:
            session[SESSION_KEY] = application.public_id
            session[SIGNED_IN_AT] = time.time()      # to the fraction: compared with when it was sent
            session[EDITABLE_AT_SIGN_IN] = status.may_edit(application)
            return redirect(url_for("status.application"))
    elif status.link_is_valid(token):
        return render_template("status/sign_in.html", form=form, token=token)
    return render_template("status/link_expired.html"), 404


@bp.get("/application")
@public
@signed_in
def application(application):
    """The applicant's own application."""
    may_edit = _may_edit(application)
    return render_template("status/application.html", application=application, form=ConfirmForm(),
                           rows=_rows(application, may_edit), may_edit=may_edit,
                           may_withdraw=status.may_withdraw(application), question=status.question(application),
                           rejection=status.rejection(application), mentoring=status.mentoring(application))


def _rows(application, editable):
    """The check page's summary; its change links go through /status/edit (which opens the form), or none."""
    return answers.rows_of(application, change_url=(lambda step: url_for("status.edit", step=step)) if editable else None)


@bp.get("/edit")
@public
@signed_in
def edit(application):
    """Open the answers in the form (draft or needs_info); the applicant sends again from the check page."""
    if not status.may_edit(application):
        flash(_("Your answers can only be changed when we ask you for more information."), "info")
        return redirect(url_for("status.application"))
    if not _may_edit(application):
        flash(_("To change your answers, open the link in the email we sent you."), "info")
        return redirect(url_for("status.application"))
    apply_views.open_in_this_browser(application)
    session["resume_shown"] = True        # no new resume-link email for an application being corrected
    step = request.args.get("step")
    if step in answers.STEPS:
        return redirect(url_for("apply.step", step=step, **{"return": "check"}))
    return redirect(url_for("apply.check"))


@bp.route("/withdraw", methods=["GET", "POST"])
@public
@keeps_input
@signed_in
def withdraw(application):
    """Withdraw the application after confirming."""
    form = ConfirmForm()
    if not status.may_withdraw(application):
        flash(_("Your application can no longer be withdrawn. Contact us if you want to stop."), "info")
        return redirect(url_for("status.application"))
    if form.validate_on_submit():
        try:
            status.withdraw(application)
            flash(_("Your application is withdrawn, and so is your consent. We have sent you an email."), "success")
        except status.NotAllowed:
            flash(_("Your application can no longer be withdrawn. Contact us if you want to stop."), "info")
        return redirect(url_for("status.application"))
    return render_template("status/withdraw.html", application=application, form=form)


@bp.post("/export")
@public
@signed_in
def export(application):
    """All the applicant's data as a JSON file."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("status.application"))
    body = json.dumps(status.export(application), ensure_ascii=False, indent=2, sort_keys=True)
    filename = f"mentorbro-{application.reference or 'application'}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/delete", methods=["GET", "POST"])
@public
@keeps_input
@signed_in
def delete(application):
    """Ask for the applicant's data to be deleted, after confirming; staff carry it out."""
    form = ConfirmForm()
    if form.validate_on_submit():
        status.request_erasure(application)
        return redirect(url_for("status.application"))
    return render_template("status/delete.html", application=application, form=form)


@bp.post("/sign-out")
@public
def sign_out():
    """End the status session in this browser."""
    _sign_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("status.start"))


@bp.post("/share-with-mentor")
@public
@signed_in
def share_with_mentor(application):
    """Agree that the mentor gets the applicant's name, email and phone (templates/status/_share_with_mentor.html)."""
    if ConfirmForm().validate_on_submit() and pairing.share_contact(application):
        flash(_("Thank you. Your mentor now has your email address and phone number."), "success")
    return redirect(url_for("status.application"))
