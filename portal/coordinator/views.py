"""/company/: a company coordinator keeps the company's sites, invites its mentors and follows its pairs.

Every page starts from the coordinator's own company: another company's site is not found (404)."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import coordinator_only
from ..companies.forms import SiteForm
from ..programmes.forms import ConfirmForm
from ..security import keeps_input
from ..services import coordinators, sites
from ..services.account_admin import EmailTaken
from .forms import InviteMentorForm

bp = Blueprint("coordinator", __name__, url_prefix="/company")
# GET       /company/                           the company: sites, mentors, pairs' progress
# GET/POST  /company/sites/new                  add a site
# GET/POST  /company/sites/<id>                 edit a site
# POST      /company/sites/<id>/retire          retire a site (it keeps its history)
# GET/POST  /company/mentors/invite             invite a colleague as a mentor


def _company():
    return coordinators.company_of(current_user) or abort(403)


def _site(company, site_id):
    return coordinators.site(company, site_id) or abort(404)


@bp.get("/")
@coordinator_only
def index():
    """The company's sites, mentors (training, mentees) and pairs' progress."""
    company = _company()
    return render_template("coordinator/index.html", company=company, sites=coordinators.sites(company),
                           mentors=coordinators.mentors(company), pairs=coordinators.pairs(company, date.today()),
                           retire_form=ConfirmForm(formdata=None))


@bp.route("/sites/new", methods=["GET", "POST"])
@coordinator_only
@keeps_input
def new_site():
    """Add a site where mentors meet mentees."""
    company = _company()
    form = SiteForm()
    if form.validate_on_submit():
        site = sites.create(company, form.details(), current_user._get_current_object())
        flash(_("The site %(name)s is added.", name=site.name), "success")
        return redirect(url_for("coordinator.index"))
    return render_template("coordinator/site.html", form=form, site=None)


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
@coordinator_only
@keeps_input
def site(site_id):
    """Change a site's name or address; the audit log keeps what it was."""
    found = _site(_company(), site_id)
    form = SiteForm(data=sites.details_of(found).__dict__)
    if found.retired_at is None and form.validate_on_submit():
        changed = sites.update(found, form.details(), current_user._get_current_object())
        flash(_("Saved the changes to %(name)s.", name=form.name.data) if changed else _("Nothing was changed."),
              "success" if changed else "info")
        return redirect(url_for("coordinator.index"))
    return render_template("coordinator/site.html", form=form, site=found)


@bp.post("/sites/<int:site_id>/retire")
@coordinator_only
def retire_site(site_id):
    """Retire a site: offered for nothing new; pairs and programmes that used it keep it."""
    found = _site(_company(), site_id)
    if ConfirmForm().validate_on_submit() and sites.retire(found, current_user._get_current_object()):
        flash(_("%(name)s is retired. Pairs that meet there keep it until their course ends.", name=found.name),
              "success")
    return redirect(url_for("coordinator.index"))


@bp.route("/mentors/invite", methods=["GET", "POST"])
@coordinator_only
@keeps_input
def invite():
    """Invite a colleague by their work email to be a mentor at one of the company's sites."""
    company = _company()
    form = InviteMentorForm().with_sites(coordinators.open_sites(company))
    if form.validate_on_submit():
        try:
            coordinators.invite_mentor(current_user._get_current_object(), company, form.email.data, form.name.data,
                                       form.site.data, form.language.data)
        except EmailTaken:
            form.email.errors.append(_("This email address already has an account in Mentorbro"))
        except ValueError:
            form.site.errors.append(_("Choose a site from the list"))
        else:
            flash(_("We have emailed %(name)s an invitation. They become a mentor when they have filled in their "
                    "profile and the association has recorded their training.", name=form.name.data), "success")
            return redirect(url_for("coordinator.index"))
    return render_template("coordinator/invite.html", form=form)
