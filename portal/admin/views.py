"""/admin/: programmes, rule sets, the association's contact details, translations (admins only)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import admin_only
from ..htmx import is_htmx, page_or_fragment
from ..i18n import language_name
from ..models import Programme, Site
from ..mother_tongue import translation_counts
from ..security import keeps_input
from ..services import mentors as companies
from ..services import association as association_service
from ..services import cohorts
from ..services import rule_versions
from .forms import (AssociationForm, NewProgrammeForm, ProgrammeForm, RecomputeForm, programme_form, programme_form_data,
                    rules_form, rules_form_data)

bp = Blueprint("admin", __name__, url_prefix="/admin")
# GET       /admin/                                   admin home: the programmes
# GET/POST  /admin/programmes/new                     create a programme (htmx: the chosen company's sites)
# GET/POST  /admin/programmes/<id>/edit               name, company, sites, dates and places (htmx: as above)
# GET/POST  /admin/programmes/<id>/rules              thresholds and catchment; saving makes a new version
# GET/POST  /admin/programmes/<id>/recompute          confirm, then re-check the open applications
# GET       /admin/translations                       per language: strings checked, unchecked, missing
# GET/POST  /admin/settings                           the association's contact details


def _programme(programme_id) -> Programme:
    return Programme.get_or_none(Programme.id == programme_id) or abort(404)


def _actor():
    return current_user._get_current_object()


@bp.get("/")
@admin_only
def index():
    """The admin home: every programme with its rule-set version and sites."""
    return render_template("admin/index.html", programmes=rule_versions.overview())


@bp.route("/programmes/new", methods=["GET", "POST"])
@admin_only
@keeps_input
def new_programme():
    """Create a programme with its sites, starting from the default rules or a copy of another's."""
    form = _programme_form(NewProgrammeForm)
    if form.validate_on_submit():
        try:
            created = cohorts.create_programme(form.details(), _actor(), form.copy_source())
        except cohorts.ProgrammeRefused as refused:
            form.refuse(refused.problems)
        else:
            flash(_("%(name)s is created. Now check its eligibility rules and which municipalities each site "
                    "covers.", name=created.name), "success")
            return redirect(url_for("admin.rules", programme_id=created.id))
    return _programme_page(form, None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@admin_only
@keeps_input
def edit_programme(programme_id):
    """Change a programme's name, company, sites, start, length, places and whether it takes applications."""
    programme = _programme(programme_id)
    details = cohorts.details_of(programme)
    form = _programme_form(ProgrammeForm, data=programme_form_data(details), keep=details["site_ids"])
    if form.validate_on_submit():
        try:
            changed = cohorts.update_programme(programme, form.details(), _actor())
        except cohorts.ProgrammeRefused as refused:
            form.refuse(refused.problems)
        else:
            flash(_("Saved the changes to %(name)s.", name=form.name.data) if changed
                  else _("Nothing was changed."), "success" if changed else "info")
            return redirect(url_for("admin.index"))
    return _programme_page(form, programme)


def _programme_form(form_class, data=None, keep=()):
    # htmx asks (GET) for the sites of the company just chosen: the form is then read from the query.
    formdata = request.args if is_htmx() and request.method == "GET" else None
    kwargs = {"formdata": formdata} if formdata is not None else {}
    return programme_form(form_class, companies.companies(), companies.all_sites(include=keep),
                          programmes=cohorts.newest_first(), data=data, **kwargs)


def _programme_page(form, programme):
    return page_or_fragment("admin/programme.html", "admin/_programme_sites.html", form=form, programme=programme,
                            pairs=cohorts.pair_count(programme) if programme else 0,
                            begun=cohorts.started(programme) if programme else None,
                            narrowed=is_htmx())


@bp.route("/programmes/<int:programme_id>/rules", methods=["GET", "POST"])
@admin_only
@keeps_input
def rules(programme_id):
    """Edit a programme's eligibility thresholds and its sites' catchment; show the version history."""
    programme = _programme(programme_id)
    form = rules_form(list(programme.sites().order_by(Site.name)), rule_versions.municipalities_by_region(),
                      rules_form_data(rule_versions.thresholds_of(programme), rule_versions.catchments_of(programme),
                                      rule_versions.current_number(programme)))
    if form.validate_on_submit():
        try:
            saved = rule_versions.save(programme, form.thresholds(), form.catchments(), _actor(),
                                  based_on=int(form.based_on.data))
        except rule_versions.StaleRules as stale:
            form.rebase(stale.current)
            form.form_errors.append(_("Another admin saved version %(version)s while you were editing, so nothing "
                                      "was saved. Check the version history, then save again.", version=stale.current))
        else:
            flash(_("Saved as version %(version)s. Re-check the open applications to update their advice.",
                    version=saved.version) if saved else _("Nothing was changed, so no new version was saved."),
                  "success" if saved else "info")
            return redirect(url_for("admin.rules", programme_id=programme.id))
    return render_template("admin/rules.html", programme=programme, form=form,
                           version=rule_versions.current_number(programme), history=rule_versions.history(programme))


@bp.route("/programmes/<int:programme_id>/recompute", methods=["GET", "POST"])
@admin_only
@keeps_input
def recompute(programme_id):
    """Confirm, then re-check every open application against the current rules (advice only)."""
    programme = _programme(programme_id)
    version = rule_versions.current_number(programme)
    form = RecomputeForm(version=str(version))
    if form.validate_on_submit():
        if form.version.data != str(version):
            form.version.data = str(version)
            form.form_errors.append(_("The rules changed while you were deciding: version %(version)s is now "
                                      "current. Check it, then confirm again.", version=version))
        else:
            result = rule_versions.recompute(programme, _actor())
            flash(ngettext("Re-checked against version %(version)s: %(changed)s of %(num)s verdict changed.",
                           "Re-checked against version %(version)s: %(changed)s of %(num)s verdicts changed.",
                           result.checked, version=result.version, changed=result.changed), "success")
            return redirect(url_for("admin.rules", programme_id=programme.id))
    return render_template("admin/recompute.html", programme=programme, form=form, version=version,
                           open_count=rule_versions.open_applications(programme).count())


@bp.get("/translations")
@admin_only
def translations():
    """Per language (English is the source): how many strings someone checked, how many are an unchecked
    translation (shown with a note), how many are missing (shown in English)."""
    directory = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
    languages = [{"code": code, "name": language_name(code), "counts": translation_counts(directory, code)}
                 for code in current_app.config["LANGUAGES"] if code != "en"]
    return render_template("admin/translations.html", languages=languages)
@bp.route("/settings", methods=["GET", "POST"])
@admin_only
@keeps_input
def settings():
    """The association's contact details: the footer, the privacy page and emails show them."""
    saved = association_service.current()
    form = AssociationForm(data={name: getattr(saved, name) for name in association_service.FIELDS})
    if form.validate_on_submit():
        changed = association_service.save(form.details(), _actor())
        flash(_("Saved the association's contact details.") if changed else _("Nothing was changed."),
              "success" if changed else "info")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, saved=saved)
