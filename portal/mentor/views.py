"""/mentor/: a mentor's mentees, one-click meeting log, milestones, and their own profile."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles
from ..i18n import format_date
from ..models import Pair
from .. import lifecycle
from ..programmes.forms import ConfirmForm, MeetingForm, MilestoneForm, submit_meeting
from ..security import keeps_input
from ..services import mentors as mentor_service
from ..services import course, pairing
from .forms import ProfileForm

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
# GET       /mentor/                                  my mentees, log a meeting in one click
# GET/POST  /mentor/profile                           my profile (experience, fields, languages, capacity)
# POST      /mentor/pairs/<pair_id>/meetings          log a meeting (date defaults to today; a second on one day asks)
# POST      /mentor/pairs/<pair_id>/meetings/undo     undo the last meeting I logged (within UNDO_DAYS)
# POST      /mentor/pairs/<pair_id>/milestones        record a milestone (celebrated)


def _me():
    return current_user._get_current_object()


def _page(forms=None, same_day=None):
    me = _me()
    pairs = list(Pair.of_mentor(me))
    forms = forms or {}
    today = date.today()
    cards = []
    for pair in pairs:
        meeting_form, milestone_form = forms.get(pair.id, (None, None))
        undoable = course.undoable_meeting(pair, me, today)
        cards.append({"pair": pair, "answers": pair.application.answers or {},
                      "contact": pairing.contact_for_mentor(pair.application),
                      "progress": course.progress(pair, today),
                      "meetings": list(pair.meetings.order_by(-pair.meetings.model.held_on).limit(5)),
                      "milestones": list(pair.milestones),
                      "meeting_form": meeting_form or MeetingForm(formdata=None, prefix=f"p{pair.id}"),
                      "milestone_form": milestone_form or MilestoneForm(formdata=None, prefix=f"m{pair.id}"),
                      "same_day": same_day if same_day and same_day[0] == pair.id else None,
                      "undoable": undoable, "undo_form": ConfirmForm(formdata=None) if undoable else None})
    return render_template("mentor/index.html", cards=cards, today=today, profile=mentor_service.profile_for(me))


@bp.get("/")
@roles("mentor")
def index():
    """My mentees, with a one-click meeting log."""
    return _page()


@bp.route("/profile", methods=["GET", "POST"])
@roles("mentor")
@keeps_input
def profile():
    """My mentor profile; fewer than five years of work experience is refused with a clear message."""
    me = _me()
    current = mentor_service.profile_for(me)
    form = ProfileForm(data=None if current.id is None else {
        "work_years": current.work_years, "leadership": "yes" if current.leadership else "no",
        "fields": ", ".join(current.fields or []), "capacity": current.capacity,
        "languages": [x for x in current.languages or [] if x in ("da", "en")],
        "other_languages": ", ".join(x for x in current.languages or [] if x not in ("da", "en"))})
    if form.validate_on_submit():
        mentor_service.save_profile(me, form.work_years.data, form.leadership.data == "yes", form.field_list(),
                                    form.language_list(), form.capacity.data)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("mentor.index"))
    return render_template("mentor/profile.html", form=form, profile=current)


def _my_pair(pair_id):
    return course.pair_for_mentor(_me(), pair_id) or abort(404)


@bp.post("/pairs/<int:pair_id>/meetings")
@roles("mentor")
@keeps_input
def log_meeting(pair_id):
    """Log a meeting: one click for today, or another date and a short note."""
    pair = _my_pair(pair_id)
    form = MeetingForm(prefix=f"p{pair.id}")
    if not form.validate_on_submit():
        return _page({pair.id: (form, None)})
    logged, same_day = submit_meeting(form, pair, _me())
    if not logged:
        return _page({pair.id: (form, None)}, same_day=(pair.id, same_day) if same_day else None)
    flash(_("Meeting with %(name)s on %(date)s logged. Thank you!", name=pair.application.full_name,
            date=format_date(form.held_on.data, "long")), "success")
    return redirect(url_for("mentor.index"))


@bp.post("/pairs/<int:pair_id>/meetings/undo")
@roles("mentor")
def undo_meeting(pair_id):
    """Take back the last meeting I logged for my mentee (a slip of the finger), within a few days."""
    pair = _my_pair(pair_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        meeting = course.undo_meeting(pair, _me(), date.today())
    except course.DateRefused:
        flash(_("There is no meeting you can undo: only the last one you logged, within %(days)s days.",
                days=course.UNDO_DAYS), "info")
        return redirect(url_for("mentor.index"))
    flash(_("The meeting with %(name)s on %(date)s is undone.", name=pair.application.full_name,
            date=format_date(meeting.held_on, "long")), "success")
    return redirect(url_for("mentor.index"))


@bp.post("/pairs/<int:pair_id>/milestones")
@roles("mentor")
@keeps_input
def milestone(pair_id):
    """Record a milestone for my mentee; it is celebrated with them and with the programme."""
    pair = _my_pair(pair_id)
    form = MilestoneForm(prefix=f"m{pair.id}")
    if not form.validate_on_submit():
        return _page({pair.id: (None, form)})
    _recorded, new = course.record_milestone(pair, _me(), form.kind.data, form.reached_on.data)
    label = _(lifecycle.MILESTONE_TEXT[form.kind.data])
    if new:
        flash(_("Congratulations to %(name)s: %(milestone)s! We have sent them our congratulations.",
                name=pair.application.full_name, milestone=label), "success")
    else:
        flash(_("%(milestone)s was already recorded for %(name)s.", milestone=label,
                name=pair.application.full_name), "info")
    return redirect(url_for("mentor.index"))
