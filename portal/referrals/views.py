"""/referrals/: caseworkers refer citizens and follow their referrals (their own municipalities only)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles
from ..apply.views import open_in_this_browser
from ..models import Municipality
from ..security import keeps_input
from ..services import referrals
from .forms import ActionForm, ReferralForm

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
# GET      /referrals/                   the caseworker's referrals, with search
# GET/POST /referrals/new                refer a citizen
# GET      /referrals/<id>               one referral: status and dates
# POST     /referrals/<id>/continue      go on filling in the application together
# POST     /referrals/<id>/resend        send the invitation again

caseworker_only = roles("caseworker")


def _own_referral(public_id):
    try:
        return referrals.get_for(current_user, public_id)
    except referrals.NotYours:
        abort(404)


@bp.get("/")
@caseworker_only
def index():
    """The referrals of my municipalities, newest first, 50 to a page; search by name or reference number."""
    query = request.args.get("q", "")
    listing = referrals.listing(current_user, query, request.args.get("page", 1, type=int))

    def url_for_page(number):
        return url_for("referrals.index", q=query or None, page=number)

    return render_template("referrals/index.html", listing=listing, q=query, url_for_page=url_for_page)


@bp.route("/new", methods=["GET", "POST"])
@caseworker_only
@keeps_input
def new():
    """Refer a citizen, then fill in the application together or send them an invitation."""
    form = ReferralForm()
    codes = current_user.municipality_codes()
    form.municipality.choices = [("", _("Choose"))] + [
        (m.code, m.name) for m in Municipality.by_name().where(Municipality.code.in_(codes))]
    if request.method == "GET" and len(codes) == 1:
        form.municipality.data = codes[0]
    if form.validate_on_submit():
        if not form.send_anyway.data and referrals.citizen_may_be_known(form.data):
            # Yes or no only: the other application may be another municipality's citizen.
            return render_template("referrals/new.html", form=form, may_be_known=True)
        referral = referrals.create(current_user, form.data)
        if referral.mode == "together":
            open_in_this_browser(referral.application)
            return redirect(url_for("apply.step", step="about-you"))
        flash(_("The invitation has been sent to %(email)s.", email=referral.email), "success")
        return redirect(url_for("referrals.show", public_id=referral.public_id))
    return render_template("referrals/new.html", form=form)


@bp.get("/<public_id>")
@caseworker_only
def show(public_id):
    """One referral: the stage it has reached and when — never the assessment or staff notes."""
    referral = _own_referral(public_id)
    return render_template("referrals/show.html", referral=referral, state=referrals.state(referral),
                           handled_under=referrals.handled_under(referral), mentoring=referrals.mentoring(referral),
                           form=ActionForm())


@bp.post("/<public_id>/continue")
@caseworker_only
def continue_together(public_id):
    """Open the citizen's unfinished application again, to fill it in together."""
    referral = _own_referral(public_id)
    if ActionForm().validate_on_submit() and referrals.state(referral) in ("in_progress", "invited"):
        open_in_this_browser(referral.application)
        return redirect(url_for("apply.start"))
    flash(_("This application has already been sent."), "info")
    return redirect(url_for("referrals.show", public_id=public_id))


@bp.post("/<public_id>/resend")
@caseworker_only
def resend(public_id):
    """Send the invitation again (the earlier link stops working)."""
    referral = _own_referral(public_id)
    if ActionForm().validate_on_submit() and referrals.resend_invitation(current_user, referral):
        flash(_("The invitation has been sent again to %(email)s.", email=referral.email), "success")
    else:
        flash(_("The invitation could not be sent again: the citizen has already sent the application."), "info")
    return redirect(url_for("referrals.show", public_id=public_id))
