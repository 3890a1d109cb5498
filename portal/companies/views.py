"""/admin/companies/: the companies that lend mentors, their sites, and where each mentor works (admins)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import admin_only
from ..models import Company, Site
from ..security import keeps_input
from ..services import mentors as service
from .forms import CompanyForm, MentorSiteForm, SiteForm

bp = Blueprint("companies", __name__, url_prefix="/admin/companies")
# GET/POST  /admin/companies/                         the companies; add a company
# GET/POST  /admin/companies/<id>                     a company's sites; add a site
# GET       /admin/companies/mentors                  every mentor and their site
# GET/POST  /admin/companies/mentors/<user_id>        place a mentor at a site


def _actor():
    return current_user._get_current_object()


@bp.route("/", methods=["GET", "POST"])
@admin_only
@keeps_input
def index():
    """The companies and their sites; add a company."""
    form = CompanyForm()
    if form.validate_on_submit():
        try:
            company = service.create_company(form.name.data, _actor())
        except service.NameTaken:
            form.name.errors.append(_("A company with this name already exists"))
        else:
            flash(_("%(name)s is added. Now add its sites.", name=company.name), "success")
            return redirect(url_for("companies.company", company_id=company.id))
    return render_template("companies/index.html", form=form,
                           companies=[(c, service.sites_of(c)) for c in service.companies()])


@bp.route("/<int:company_id>", methods=["GET", "POST"])
@admin_only
@keeps_input
def company(company_id):
    """A company's sites; add a site."""
    found = Company.get_or_none(Company.id == company_id) or abort(404)
    form = SiteForm()
    if form.validate_on_submit():
        site = service.add_site(found, _actor(), form.name.data, form.address.data, form.postcode.data,
                                form.town.data)
        flash(_("The site %(name)s is added.", name=site.name), "success")
        return redirect(url_for("companies.company", company_id=found.id))
    return render_template("companies/company.html", company=found, sites=service.sites_of(found), form=form)


@bp.get("/mentors")
@admin_only
def mentors():
    """Every mentor with their company and site."""
    return render_template("companies/mentors.html", rows=service.mentors())


@bp.route("/mentors/<int:user_id>", methods=["GET", "POST"])
@admin_only
@keeps_input
def mentor(user_id):
    """Place a mentor at a company site."""
    user = service.mentor(user_id) or abort(404)
    profile = service.profile_for(user)
    form = MentorSiteForm(data={"site": profile.site_id} if profile.site_id else None)
    form.site.choices = [(0, _("Choose a site"))] + [(s.id, f"{s.company.name} – {s.name}") for s in service.all_sites()]
    if form.validate_on_submit():
        site = Site.get_or_none(Site.id == form.site.data) or abort(400)
        service.set_site(user, site, _actor())
        flash(_("%(name)s now works at %(site)s.", name=user.name, site=f"{site.company.name} – {site.name}"),
              "success")
        return redirect(url_for("companies.mentors"))
    return render_template("companies/mentor.html", user=user, form=form)
