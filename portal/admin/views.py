"""/admin/: programmes, rule sets, users (admins only)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import admin_only
from ..models import Programme, Site
from ..security import keeps_input
from ..services import rulesets
from .forms import RecomputeForm, rules_form, rules_form_data

bp = Blueprint("admin", __name__, url_prefix="/admin")
# GET       /admin/                                   admin home: the programmes
# GET/POST  /admin/programmes/<id>/rules              thresholds and catchment; saving makes a new version
# GET/POST  /admin/programmes/<id>/recompute          confirm, then re-check the open applications


def _programme(programme_id) -> Programme:
    return Programme.get_or_none(Programme.id == programme_id) or abort(404)


def _actor():
    return current_user._get_current_object()


@bp.get("/")
@admin_only
def index():
    """The admin home: every programme with its rule-set version and sites."""
    return render_template("admin/index.html", programmes=rulesets.overview())


@bp.route("/programmes/<int:programme_id>/rules", methods=["GET", "POST"])
@admin_only
@keeps_input
def rules(programme_id):
    """Edit a programme's eligibility thresholds and its sites' catchment; show the version history."""
    programme = _programme(programme_id)
    form = rules_form(list(programme.sites().order_by(Site.name)), rulesets.municipalities_by_region(),
                      rules_form_data(rulesets.thresholds_of(programme), rulesets.catchments_of(programme),
                                      rulesets.current_number(programme)))
    if form.validate_on_submit():
        try:
            saved = rulesets.save(programme, form.thresholds(), form.catchments(), _actor(),
                                  based_on=int(form.based_on.data))
        except rulesets.StaleRules as stale:
            form.rebase(stale.current)
            form.form_errors.append(_("Another admin saved version %(version)s while you were editing, so nothing "
                                      "was saved. Check the version history, then save again.", version=stale.current))
        else:
            flash(_("Saved as version %(version)s. Re-check the open applications to update their advice.",
                    version=saved.version) if saved else _("Nothing was changed, so no new version was saved."),
                  "success" if saved else "info")
            return redirect(url_for("admin.rules", programme_id=programme.id))
    return render_template("admin/rules.html", programme=programme, form=form,
                           version=rulesets.current_number(programme), history=rulesets.history(programme))


@bp.route("/programmes/<int:programme_id>/recompute", methods=["GET", "POST"])
@admin_only
@keeps_input
def recompute(programme_id):
    """Confirm, then re-check every open application against the current rules (advice only)."""
    programme = _programme(programme_id)
    version = rulesets.current_number(programme)
    form = RecomputeForm(version=str(version))
    if form.validate_on_submit():
        if form.version.data != str(version):
            form.version.data = str(version)
            form.form_errors.append(_("The rules changed while you were deciding: version %(version)s is now "
                                      "current. Check it, then confirm again.", version=version))
        else:
            result = rulesets.recompute(programme, _actor())
            flash(ngettext("Re-checked against version %(version)s: %(changed)s of %(num)s verdict changed.",
                           "Re-checked against version %(version)s: %(changed)s of %(num)s verdicts changed.",
                           result.checked, version=result.version, changed=result.changed), "success")
            return redirect(url_for("admin.rules", programme_id=programme.id))
    return render_template("admin/recompute.html", programme=programme, form=form, version=version,
                           open_count=rulesets.open_applications(programme).count())
