"""/companies: what being a mentor company means, and its sign-up form (anyone)."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import public
from ..i18n import current_lang
from ..security import keeps_input
from ..services import company_signups
from .forms import SignUpForm

bp = Blueprint("join", __name__)
# GET/POST  /companies                 what it means to be a mentor company; sign up
# GET       /companies/thanks          the sign-up arrived
# GET       /join, /become-a-mentor    the same page, by the names people try

REFUSALS = {
    "cvr_invalid": ("cvr", lambda: _("Enter a valid CVR number: 8 digits, as on virk.dk")),
    "cvr_taken": ("cvr", lambda: _("A company with this CVR number has already signed up. Contact the association "
                                   "if you want to add sites or mentors")),
    "name_taken": ("company", lambda: _("A company with this name has already signed up. Contact the association if "
                                        "you want to add sites or mentors")),
}


@bp.route("/companies", methods=["GET", "POST"])
@public
@keeps_input
def sign_up():
    """What a mentor company does, and the form to sign up."""
    form = SignUpForm()
    if form.validate_on_submit():
        details = company_signups.SignUp(
            form.company.data, form.cvr.data, form.contact_name.data, form.contact_email.data,
            form.contact_phone.data, form.expected_mentors.data, current_lang() if current_lang() in ("da", "en")
            else "en", form.chosen_sites())
        try:
            company_signups.sign_up(details, request.remote_addr)
        except company_signups.SignUpRefused as refused:
            field, message = REFUSALS[refused.code]
            form[field].errors.append(message())
        else:
            return redirect(url_for("join.thanks"))
    return render_template("join/sign_up.html", form=form)


@bp.get("/companies/thanks")
@public
def thanks():
    """The sign-up arrived; staff answer by email."""
    return render_template("join/thanks.html")


@bp.get("/join")
@public
def join():
    """The sign-up page under the name people try first."""
    return redirect(url_for("join.sign_up", **request.args), 301)


@bp.get("/become-a-mentor")
@public
def become_a_mentor():
    """The sign-up page: a mentor's company signs up first, then invites its mentors."""
    return redirect(url_for("join.sign_up", **request.args), 301)
