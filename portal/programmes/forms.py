"""Forms for programmes, pairs and the course (the mentor's page uses the meeting and milestone forms)."""
from datetime import date

from wtforms import DateField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from .. import lifecycle
from ..forms.common import BaseForm
from ..i18n import format_date
from ..i18n import lazy_gettext as _l
from ..services import course

MILESTONE_CHOICES = [(kind, _l(text)) for kind, text in lifecycle.MILESTONE_TEXT.items()]
OUTCOME_CHOICES = [(kind, _l(text)) for kind, text in lifecycle.OUTCOME_TEXT.items()]


def _not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("Enter a date that is today or in the past"))


class MatchForm(BaseForm):
    mentor = SelectField(_l("Mentor"), coerce=int, validate_choice=True,
                         validators=[InputRequired(_l("Choose a mentor"))])


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""


class MeetingForm(BaseForm):
    held_on = DateField(_l("Date of the meeting"), default=date.today,
                        validators=[DataRequired(_l("Enter the date of the meeting, for example 2027-03-14")),
                                    _not_in_future])
    note = StringField(_l("Note (optional, one line)"), [Optional(), Length(max=200, message=_l(
        "Write the note in 200 characters or fewer"))])
    # The date (ISO) the person confirmed a second meeting on, after being asked; empty until then.
    confirm = HiddenField(validators=[Optional(), Length(max=10)])


class DeleteMeetingForm(BaseForm):
    """Deleting a meeting asks first: the button on the confirmation page sends confirm=yes."""
    confirm = HiddenField(validators=[Optional(), Length(max=3)])


class MilestoneForm(BaseForm):
    kind = SelectField(_l("Milestone"), choices=MILESTONE_CHOICES,
                       validators=[DataRequired(_l("Choose a milestone"))])
    reached_on = DateField(_l("Date"), default=date.today,
                           validators=[DataRequired(_l("Enter the date, for example 2027-03-14")), _not_in_future])


class OutcomeForm(BaseForm):
    kind = RadioField(_l("Where is the mentee now?"), choices=OUTCOME_CHOICES,
                      validators=[DataRequired(_l("Choose where the mentee is now"))])
    reached_on = DateField(_l("Since when (optional)"), validators=[Optional(), _not_in_future])


class EndForm(BaseForm):
    reason = StringField(_l("Why does the course end early?"),
                         validators=[DataRequired(_l("Write why the course ends early")),
                                     Length(max=500, message=_l("Write at most 500 characters"))])


class TrainingForm(BaseForm):
    trained_on = DateField(_l("Date the mentor completed the mentor training"),
                           validators=[Optional(), _not_in_future])


DATE_PROBLEMS = {
    "future": _l("Enter a date that is today or in the past"),
    "before_course": _l("Enter a date on or after the start of the course, %(date)s"),
    "after_course": _l("Enter a date on or before the end of the course, %(date)s"),
}


def refuse_date(field, refused) -> None:
    """Show a date the service refused (services.course.DateRefused) on the field, in the reader's words."""
    words = {"date": format_date(refused.on, "long") if refused.on else ""}
    field.errors = [*field.errors, str(DATE_PROBLEMS[refused.code]) % words]


def submit_meeting(form, pair, actor) -> tuple[bool, date | None]:
    """Log the meeting a MeetingForm holds, for the mentor's page and staff's pair page alike.

    Returns (True, None) when it is logged; (False, that day) when the pair already has a meeting that day
    (the form now carries the confirmation to send again); (False, None) when the date was refused (the
    reason is on the date field)."""
    try:
        course.log_meeting(pair, actor, form.held_on.data, form.note.data, date.today(),
                           confirmed=form.confirm.data == form.held_on.data.isoformat())
    except course.DateRefused as refused:
        if refused.code == "same_day":
            form.confirm.data = refused.on.isoformat()
            return False, refused.on
        refuse_date(form.held_on, refused)
        return False, None
    return True, None
