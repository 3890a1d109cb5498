"""/programmes/: staff follow each cohort from matching through the six months to its report."""
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import staff_only
from .. import lifecycle
from ..i18n import format_date
from ..lifecycle import Role, Status
from ..i18n import lazy_gettext as _l
from ..models import Application, Programme
from ..security import keeps_input
from ..services import mentors as mentor_service
from ..services import cohort_report, cohorts, course, follow_up, outcomes, pairing
from .forms import (ConfirmForm, DeleteMeetingForm, EndForm, MatchForm, MeetingForm, MilestoneForm, OutcomeForm,
                    TrainingForm, refuse_date, submit_meeting)

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
# GET       /programmes/                                      every programme with its state
# GET       /programmes/mentors                               mentors and their training
# POST      /programmes/mentors/<user_id>/training            record the training date
# GET       /programmes/<id>                                  pairs, meetings, overdue pairs, news
# POST      /programmes/<id>/start                            start the course: matched pairs become active
# GET       /programmes/<id>/matching                         the suggested pairing, with reasons
# POST      /programmes/<id>/matching/<public_id>             accept (with the chosen mentor) or reject
# POST      /programmes/<id>/matching/<public_id>/undo/<user_id>   undo the rejection of a mentor for the mentee
# GET       /programmes/<id>/pairs/<pair_id>                  one pair: meetings, milestones, outcome
# POST      /programmes/<id>/pairs/<pair_id>/meetings         log a meeting (a second on one day asks first)
# POST      /programmes/<id>/pairs/<pair_id>/meetings/<meeting_id>/delete   delete a meeting (asks first)
# POST      /programmes/<id>/pairs/<pair_id>/milestones       record a milestone
# POST      /programmes/<id>/pairs/<pair_id>/outcome          record or update the outcome
# POST      /programmes/<id>/pairs/<pair_id>/end              end the pair's course early, with a reason
# POST      /programmes/<id>/follow-up/<answer_id>/confirm    confirm a six-month answer: it becomes the outcome
# GET       /programmes/<id>/report                           funnel, outcomes, headline, chart
# GET       /programmes/<id>/report.csv                       the report's rows as CSV

MATCH_ERRORS = {
    "not_trained": _l("The mentor has not completed the mentor training, so they cannot be matched yet."),
    "mentor_profile": _l("The mentor has not filled in their profile (at least 5 years of work experience), so "
                         "they cannot be matched yet."),
    "mentor_training": _l("The mentor has not completed the mentor training, so they cannot be matched yet."),
    "mentor_inactive": _l("The mentor’s account is deactivated, so they cannot be matched."),
    "mentor_no_password": _l("The mentor has not accepted the invitation and chosen a password yet, so they "
                             "cannot be matched."),
    "not_at_site": _l("The mentor does not work at one of the programme's sites."),
    "outside_catchment": _l("The mentee does not live near the mentor's site, so they cannot meet there."),
    "mentor_full": _l("The mentor has no free place for another mentee."),
    "programme_full": _l("The programme is full: it has as many pairs as its capacity."),
    "status_changed": _l("The application changed in the meantime (it may already be matched). Nothing was changed."),
    "not_started_yet": _l("The course can start on its start date, not before."),
}


def _actor():
    return current_user._get_current_object()


def _programme(programme_id) -> Programme:
    return Programme.get_or_none(Programme.id == programme_id) or abort(404)


@bp.get("/")
@staff_only
def index():
    """Every programme with its state and numbers."""
    return render_template("programmes/index.html", rows=cohorts.overview(date.today()))


@bp.get("/mentors")
@staff_only
def mentors():
    """Mentors, their site, profile and training."""
    rows = mentor_service.mentors()
    forms = {row.user.id: TrainingForm(formdata=None, prefix=f"t{row.user.id}",
                                       trained_on=row.profile.trained_on if row.profile else None) for row in rows}
    return render_template("programmes/mentors.html", rows=rows, forms=forms)


@bp.post("/mentors/<int:user_id>/training")
@staff_only
def training(user_id):
    """Record (or clear) when a mentor completed the mentor training."""
    user = mentor_service.mentor(user_id) or abort(404)
    form = TrainingForm(prefix=f"t{user.id}")
    if form.validate_on_submit():
        mentor_service.set_training(user, form.trained_on.data, _actor())
        flash(_("Saved the training date for %(name)s.", name=user.name), "success")
    else:
        flash(_("The training date for %(name)s was not saved: %(problem)s", name=user.name,
                problem=" ".join(str(e) for e in [*form.form_errors, *form.trained_on.errors])), "error")
    return redirect(url_for("programmes.mentors") + f"#mentor-{user.id}")


@bp.get("/<int:programme_id>")
@staff_only
def programme(programme_id):
    """The course: pairs with meetings against the expected, pairs that have not met, and the news."""
    p = _programme(programme_id)
    today = date.today()
    rows = course.pair_rows(p, today)
    return render_template("programmes/programme.html", programme=p, rows=rows, today=today,
                           overdue=[r for r in rows if r.overdue], news=course.news(p),
                           state=cohorts.state(p, today), end_date=cohorts.end_date(p),
                           matched=sum(1 for r in rows if r.pair.application.status == Status.MATCHED),
                           form=ConfirmForm(), follow_ups=follow_up.of_programme(p))


@bp.post("/<int:programme_id>/start")
@staff_only
def start(programme_id):
    """Start the course for the programme's matched pairs."""
    p = _programme(programme_id)
    if ConfirmForm().validate_on_submit():
        try:
            count = cohorts.start(p, _actor(), date.today())
        except cohorts.MatchError as error:
            flash(str(MATCH_ERRORS[error.code]), "error")
            return redirect(url_for("programmes.programme", programme_id=p.id))
        flash(ngettext("The course has started for %(num)s pair.", "The course has started for %(num)s pairs.", count),
              "success")
    return redirect(url_for("programmes.programme", programme_id=p.id))


@bp.get("/<int:programme_id>/matching")
@staff_only
def matching(programme_id):
    """The suggested pairing for the whole cohort; nothing is matched until staff accept."""
    return _matching_page(_programme(programme_id))


def _matching_page(p, failed=None, failed_form=None, problem=None):
    result = pairing.suggestion(p, date.today())
    forms = {}
    for row in result.rows:
        form = failed_form if failed is not None and row.application.id == failed else \
            MatchForm(formdata=None, prefix=f"a{row.application.id}",
                      mentor=row.suggested.user_id if row.suggested else None)
        form.mentor.choices = _mentor_choices(row)
        forms[row.application.id] = form
    return render_template("programmes/matching.html", programme=p, result=result, forms=forms, problem=problem,
                           failed=failed, undo_form=ConfirmForm(formdata=None))


def _mentor_choices(row):
    return [(profile.user_id, _("%(name)s (%(company)s, %(site)s), fit %(score)s", name=profile.user.name,
                                  company=profile.site.company.name, site=profile.site.name, score=fit.score))
            for profile, fit in row.options]


@bp.post("/<int:programme_id>/matching/<public_id>")
@staff_only
@keeps_input
def decide_match(programme_id, public_id):
    """Accept the chosen mentor for this mentee, or reject the pair so another is suggested."""
    p = _programme(programme_id)
    application = Application.by_public_id(public_id)
    if application is None or application.programme_id != p.id:
        abort(404)
    row = next((r for r in pairing.suggestion(p, date.today()).rows if r.application.id == application.id), None)
    if row is None:
        flash(str(MATCH_ERRORS["status_changed"]), "error")
        return redirect(url_for("programmes.matching", programme_id=p.id))
    form = MatchForm(prefix=f"a{application.id}")
    form.mentor.choices = _mentor_choices(row)
    if not form.validate_on_submit():
        return _matching_page(p, failed=application.id, failed_form=form)
    mentor = mentor_service.mentor(form.mentor.data) or abort(404)
    try:
        if request.form.get("action") == "reject":
            pairing.reject(p, application, mentor, _actor())
            flash(_("Rejected: %(mentor)s will not be suggested for %(mentee)s again.", mentor=mentor.name,
                    mentee=application.full_name), "info")
        else:
            pairing.accept(p, application, mentor, _actor(), date.today())
            flash(_("%(mentee)s and %(mentor)s are now a pair. We have emailed them both.",
                    mentee=application.full_name, mentor=mentor.name), "success")
    except cohorts.MatchError as error:
        return _matching_page(p, failed=application.id, failed_form=form, problem=MATCH_ERRORS[error.code])
    return redirect(url_for("programmes.matching", programme_id=p.id))


@bp.post("/<int:programme_id>/matching/<public_id>/undo/<int:user_id>")
@staff_only
def undo_rejection(programme_id, public_id, user_id):
    """Take back a rejected pair: the mentor may be suggested for this mentee again."""
    p = _programme(programme_id)
    application = Application.by_public_id(public_id)
    if application is None or application.programme_id != p.id:
        abort(404)
    mentor = mentor_service.mentor(user_id) or abort(404)
    if ConfirmForm().validate_on_submit() and pairing.undo_rejection(p, application, mentor, _actor()):
        flash(_("%(mentor)s may be suggested for %(mentee)s again.", mentor=mentor.name,
                mentee=application.full_name), "success")
    return redirect(url_for("programmes.matching", programme_id=p.id))


def _pair(programme_id, pair_id):
    p = _programme(programme_id)
    return p, course.pair_of(p, pair_id) or abort(404)


def _pair_page(p, pair, meeting_form=None, milestone_form=None, outcome_form=None, end_form=None, same_day=None):
    today = date.today()
    row = next(r for r in course.pair_rows(p, today) if r.pair.id == pair.id)
    if outcome_form is None:
        outcome_form = OutcomeForm(formdata=None, prefix="outcome", kind=row.outcome.kind if row.outcome else None,
                                   reached_on=row.outcome.reached_on if row.outcome else None)
    return render_template("programmes/pair.html", programme=p, row=row, pair=pair,
                           meetings=list(pair.meetings.order_by(-pair.meetings.model.held_on)),
                           meeting_form=meeting_form or MeetingForm(formdata=None),
                           milestone_form=milestone_form or MilestoneForm(formdata=None),
                           outcome_form=outcome_form, end_form=end_form or EndForm(formdata=None, prefix="end"),
                           may_end=lifecycle.may("end_early", pair.application.status, Role.STAFF),
                           same_day=same_day, delete_form=ConfirmForm(formdata=None))


@bp.get("/<int:programme_id>/pairs/<int:pair_id>")
@staff_only
def pair(programme_id, pair_id):
    """One pair: meetings, milestones and the outcome, with forms for each."""
    return _pair_page(*_pair(programme_id, pair_id))


@bp.post("/<int:programme_id>/pairs/<int:pair_id>/meetings")
@staff_only
@keeps_input
def log_meeting(programme_id, pair_id):
    """Log a meeting for the pair."""
    p, found = _pair(programme_id, pair_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        return _pair_page(p, found, meeting_form=form)
    logged, same_day = submit_meeting(form, found, _actor())
    if not logged:
        return _pair_page(p, found, meeting_form=form, same_day=same_day)
    flash(_("Meeting on %(date)s logged.", date=format_date(form.held_on.data, "long")), "success")
    return redirect(url_for("programmes.pair", programme_id=p.id, pair_id=found.id))


@bp.post("/<int:programme_id>/pairs/<int:pair_id>/meetings/<int:meeting_id>/delete")
@staff_only
def delete_meeting(programme_id, pair_id, meeting_id):
    """Delete a meeting logged by mistake: a page asks first, its button sends confirm=yes; audited."""
    p, found = _pair(programme_id, pair_id)
    meeting = course.meeting_of(found, meeting_id) or abort(404)
    form = DeleteMeetingForm()
    if not form.validate_on_submit():
        abort(400)
    if form.confirm.data != "yes":
        return render_template("programmes/delete_meeting.html", programme=p, pair=found, meeting=meeting,
                               form=DeleteMeetingForm(formdata=None))
    if course.delete_meeting(meeting, _actor()):
        flash(_("The meeting on %(date)s is deleted.", date=format_date(meeting.held_on, "long")), "success")
    return redirect(url_for("programmes.pair", programme_id=p.id, pair_id=found.id))


@bp.post("/<int:programme_id>/pairs/<int:pair_id>/milestones")
@staff_only
@keeps_input
def milestone(programme_id, pair_id):
    """Record a milestone; the mentee is congratulated by email."""
    p, found = _pair(programme_id, pair_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return _pair_page(p, found, milestone_form=form)
    _celebrate(found, form)
    return redirect(url_for("programmes.pair", programme_id=p.id, pair_id=found.id))


def _celebrate(found, form):
    _recorded, new = course.record_milestone(found, _actor(), form.kind.data, form.reached_on.data)
    label = _(lifecycle.MILESTONE_TEXT[form.kind.data])
    if new:
        flash(_("Congratulations to %(name)s: %(milestone)s! We have sent them our congratulations.",
                name=found.application.full_name, milestone=label), "success")
    else:
        flash(_("%(milestone)s was already recorded for %(name)s.", milestone=label,
                name=found.application.full_name), "info")


@bp.post("/<int:programme_id>/pairs/<int:pair_id>/outcome")
@staff_only
@keeps_input
def outcome(programme_id, pair_id):
    """Record or update where the mentee stands at six months."""
    p, found = _pair(programme_id, pair_id)
    form = OutcomeForm(prefix="outcome")
    if not form.validate_on_submit():
        return _pair_page(p, found, outcome_form=form)
    try:
        outcomes.record_outcome(found, _actor(), form.kind.data, form.reached_on.data, date.today())
    except course.DateRefused as refused:
        refuse_date(form.reached_on, refused)
        return _pair_page(p, found, outcome_form=form)
    flash(_("Outcome saved for %(name)s.", name=found.application.full_name), "success")
    return redirect(url_for("programmes.pair", programme_id=p.id, pair_id=found.id))


@bp.post("/<int:programme_id>/pairs/<int:pair_id>/end")
@staff_only
@keeps_input
def end_early(programme_id, pair_id):
    """End the pair's course before the programme's end date, with a reason kept in the history."""
    p, found = _pair(programme_id, pair_id)
    form = EndForm(prefix="end")
    if not form.validate_on_submit():
        return _pair_page(p, found, end_form=form)
    try:
        cohorts.end_early(found, _actor(), form.reason.data)
    except cohorts.MatchError as error:
        flash(str(MATCH_ERRORS.get(error.code, MATCH_ERRORS["status_changed"])), "error")
        return redirect(url_for("programmes.pair", programme_id=p.id, pair_id=found.id))
    flash(_("The course has ended for %(name)s.", name=found.application.full_name), "success")
    return redirect(url_for("programmes.pair", programme_id=p.id, pair_id=found.id))


@bp.post("/<int:programme_id>/follow-up/<int:answer_id>/confirm")
@staff_only
def confirm_follow_up(programme_id, answer_id):
    """Confirm a mentee's or mentor's six-month answer in one click: it is recorded as the outcome."""
    p = _programme(programme_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    confirmed = follow_up.confirm(p, answer_id, _actor(), date.today())
    if confirmed is None:
        flash(_("That answer was already confirmed, or is not this programme’s. Nothing was changed."), "info")
    else:
        flash(_("Outcome saved for %(name)s.", name=confirmed.pair.application.full_name), "success")
    return redirect(url_for("programmes.programme", programme_id=p.id) + "#follow-up")


@bp.get("/<int:programme_id>/report")
@staff_only
def report(programme_id):
    """The programme's result: funnel, outcomes, headline, meetings, by municipality, and a chart."""
    p = _programme(programme_id)
    return render_template("programmes/report.html", programme=p, report=cohort_report.report(p, date.today()))


@bp.get("/<int:programme_id>/report.csv")
@staff_only
def report_csv(programme_id):
    """The report's rows (one per mentee) as CSV (UTF-8 with BOM, `;`), like the review export."""
    p = _programme(programme_id)
    labels = {"mentee": _("Mentee"), "municipality": _("Municipality"), "mentor": _("Mentor"),
              "meetings": _("Meetings"), "milestones": _("Milestones"), "outcome": _("Outcome"),
              "reached_on": _("Since"),
              **{f"milestone:{kind}": _(text) for kind, text in lifecycle.MILESTONE_TEXT.items()},
              **{f"outcome:{kind}": _(text) for kind, text in lifecycle.OUTCOME_TEXT.items()}}
    body = cohort_report.report_csv(cohort_report.report(p, date.today()), labels)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="programme-{p.id}-report.csv"'})
