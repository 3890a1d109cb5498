"""/review/companies/: the association's staff answer the companies that signed up on /companies."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import staff_only
from ..models import Company
from ..security import keeps_input
from ..services import company_signups
from .forms import SignUpDecisionForm

bp = Blueprint("signups", __name__, url_prefix="/review/companies")
# GET       /review/companies/          sign-ups waiting for an answer, and those answered
# GET/POST  /review/companies/<id>      one sign-up: approve or decline it, with a message


@bp.get("/")
@staff_only
def index():
    """The sign-ups, those waiting first."""
    return render_template("signups/index.html", pending=company_signups.pending(),
                           answered=[c for c in company_signups.signed_up() if c.sign_up_state != "pending"])


@bp.route("/<int:company_id>", methods=["GET", "POST"])
@staff_only
@keeps_input
def sign_up(company_id):
    """One sign-up with its sites; approve (the contact becomes its coordinator) or decline, with a message."""
    company = Company.get_or_none((Company.id == company_id) & Company.signed_up_at.is_null(False)) or abort(404)
    form = SignUpDecisionForm()
    if company.sign_up_state == "pending" and form.validate_on_submit():
        action = request.form.get("action")
        try:
            if action == "approve":
                company_signups.approve(company, current_user._get_current_object(), form.message.data)
                flash(_("%(company)s is approved. We have emailed %(name)s an invitation to be its coordinator.",
                        company=company.name, name=company.contact_name), "success")
            elif action == "decline":
                company_signups.decline(company, current_user._get_current_object(), form.message.data)
                flash(_("%(company)s is declined. We have emailed %(name)s your message.", company=company.name,
                        name=company.contact_name), "success")
            else:
                abort(400)
        except company_signups.DecisionRefused as refused:
            form.message.errors.append(_("Someone answered this sign-up a moment ago. Nothing was changed.")
                                       if refused.code == "decided" else
                                       _("The contact person's email address already has an account. Ask an admin "
                                         "to change it, then approve again."))
        else:
            return redirect(url_for("signups.index"))
    return render_template("signups/sign_up.html", company=company, sites=company_signups.sites_of(company),
                           form=form)
