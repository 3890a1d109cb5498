"""/status: an applicant follows their own application after a one-time link by email."""
from flask import Blueprint, redirect, render_template, session, url_for

from ..access import public
from ..security import keeps_input
from ..models import Application
from ..services import status
from .forms import FindApplicationForm

bp = Blueprint("status", __name__, url_prefix="/status")
# GET/POST /status/                 ask for a sign-in link (reference + email)
# GET      /status/sign-in/<token>  open the application from the emailed link
# GET      /status/application      the application: status and answers

SESSION_KEY = "status_application"


@bp.route("/", methods=["GET", "POST"])
@public
@keeps_input
def start():
    """Ask for a sign-in link; the answer is the same whether or not the details match."""
    form = FindApplicationForm()
    if form.validate_on_submit():
        status.send_sign_in_link(form.reference.data, form.email.data)
        return render_template("status/link_sent.html", email=form.email.data)
    return render_template("status/start.html", form=form)


@bp.get("/sign-in/<token>")
@public
def sign_in(token):
    """Open the application from a one-time link."""
    application = status.sign_in(token)
    if application is None:
        return render_template("status/link_expired.html"), 404
    session[SESSION_KEY] = application.public_id
    return redirect(url_for("status.application"))


@bp.get("/application")
@public
def application():
    """The applicant's own application."""
    found = Application.by_public_id(session.get(SESSION_KEY) or "")
    if found is None:
        return redirect(url_for("status.start"))
    return render_template("status/application.html", application=found)
