"""The review forms: the queue's filters (a GET form), notes, and one form per decision."""
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from .. import lifecycle
from ..forms.common import BaseForm
from ..i18n import lazy_gettext as _l
from ..models import Municipality
from ..services import review_queue

STATUS_LABELS = {status: _l(label) for status, label in lifecycle.STATUS_LABELS.items()}   # words: lifecycle.py
VERDICT_LABELS = {"likely_eligible": _l("Likely eligible"), "needs_review": _l("Needs review"),
                  "likely_not_eligible": _l("Likely not eligible")}
REJECTION_LABELS = {
    "residence": _l("The residence basis is not covered by the programme"),
    "qualification": _l("Not enough education or work experience"),
    "language": _l("Danish and English are both below the level needed"),
    "catchment": _l("Lives too far from a programme site"),
    "age": _l("Younger than the minimum age"),
    "capacity": _l("The programme is full"),
    "duplicate": _l("The person has already applied"),
    "other": _l("Another reason (explain below)"),
}
NOTE_MAX = 5000
MESSAGE_MAX = 2000


class QueueFilterForm(BaseForm):
    """The queue's filters; read from the query string, so every view of the queue has its own URL."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name, reference or email"),
                    [Optional(), Length(max=review_queue.SEARCH_MAX, message=_l(
                        "The search is too long: search for at most %(max)d characters, such as a name or a reference"))],
                    filters=[lambda text: text.strip() if isinstance(text, str) else text])
    status = SelectField(_l("Status"), [Optional()])
    verdict = SelectField(_l("Eligibility check"), [Optional()])
    programme = SelectField(_l("Programme"), [Optional()])
    municipality = SelectField(_l("Municipality"), [Optional()])
    source = SelectField(_l("Source"), [Optional()],
                         choices=[("", _l("All")), ("self", _l("Applied themselves")), ("referral", _l("Referred"))])
    language = SelectField(_l("Language"), [Optional()],
                           choices=[("", _l("All")), ("da", _l("Danish")), ("en", _l("English"))])
    duplicate = SelectField(_l("Possible duplicate"), [Optional()],
                            choices=[("", _l("All")), ("yes", _l("Only possible duplicates")),
                                     ("no", _l("No duplicates"))])
    assigned = SelectField(_l("Reviewer"), [Optional()],
                           choices=[("", _l("Anyone")), ("me", _l("Assigned to me")), ("nobody", _l("Not assigned"))])
    submitted_from = DateField(_l("Submitted from"), [Optional()], name="from")
    submitted_to = DateField(_l("Submitted until"), [Optional()], name="to")
    sort = SelectField(_l("Sort by"), [Optional()],
                       choices=[("newest", _l("Newest first")), ("oldest", _l("Oldest first")),
                                ("name", _l("Name A–Z")), ("name_desc", _l("Name Z–A"))])

    def __init__(self, formdata, programmes, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.status.choices = [("", _l("All")), *((s, STATUS_LABELS[s]) for s in review_queue.QUEUE_STATUSES)]
        self.verdict.choices = [("", _l("All")), *VERDICT_LABELS.items()]
        self.programme.choices = [("", _l("All")), *((str(p.id), p.name) for p in programmes)]
        self.municipality.choices = [("", _l("All")), *Municipality.names()]

    def filters(self) -> review_queue.QueueFilter:
        """The valid part of the query string as a filter; a value that is not a choice is ignored."""
        self.validate()

        def chosen(field):
            return field.data if field.data and not field.errors else None

        duplicate = chosen(self.duplicate)
        programme = chosen(self.programme)
        return review_queue.QueueFilter(
            status=chosen(self.status), verdict=chosen(self.verdict),
            programme=int(programme) if programme else None, municipality=chosen(self.municipality),
            source=chosen(self.source), language=chosen(self.language),
            duplicate=None if duplicate is None else duplicate == "yes", assigned=chosen(self.assigned),
            submitted_from=chosen(self.submitted_from), submitted_to=chosen(self.submitted_to),
            search=self.q.data or None,          # too long: the queue finds nothing, and the page says why
            sort=chosen(self.sort) or "newest")


class NoteForm(BaseForm):
    body = TextAreaField(_l("Internal note"), [DataRequired(_l("Write the note")),
                                               Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters"))])


class DecisionForm(BaseForm):
    """Every decision carries the version of the application the reviewer saw."""
    # Bounded: a number beyond the database's integer range would fail the query instead of the form.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=2**31 - 1)])


class TakeForm(DecisionForm):
    pass


class ApproveForm(DecisionForm):
    programme = SelectField(_l("Programme"), [InputRequired(_l("Choose the programme"))], coerce=str)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = [("", _l("Choose a programme")), *((str(p.id), p.name) for p in programmes)]


class RejectForm(DecisionForm):
    code = RadioField(_l("Reason"), [InputRequired(_l("Choose a reason"))],
                      choices=list(REJECTION_LABELS.items()))
    message = TextAreaField(_l("Explanation to the applicant (optional)"),
                            [Optional(), Length(max=MESSAGE_MAX)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.code.data == "other" and not self.message.data:
            self.message.errors = [*self.message.errors, _l("Explain the reason to the applicant")]
            return False
        return valid


class AskForm(DecisionForm):
    message = TextAreaField(_l("What should the applicant add or correct?"),
                            [DataRequired(_l("Write what the applicant should add or correct")),
                             Length(max=MESSAGE_MAX)])


class WithdrawForm(DecisionForm):
    reason = TextAreaField(_l("Why is it withdrawn? (optional, kept in the history)"), [Optional(), Length(max=MESSAGE_MAX)])


class WaitListForm(DecisionForm):
    """Only the version the reviewer saw: putting on the waiting list needs nothing else."""


class DuplicateForm(DecisionForm):
    kept = SelectField(_l("The application the person is handled under"),
                       [InputRequired(_l("Choose the application to keep"))], coerce=str)

    def __init__(self, *args, duplicates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kept.choices = [(d.reference, f"{d.reference} – {d.full_name or ''}") for d in duplicates]


DECISION_FORMS = {"take": TakeForm, "approve": ApproveForm, "place": ApproveForm, "wait_list": WaitListForm,
                  "reject": RejectForm, "ask": AskForm, "close_duplicate": DuplicateForm, "withdraw": WithdrawForm}


class DeleteNowForm(BaseForm):
    """Carry out an erasure request now: the confirmation page's button (the form is its CSRF token)."""


class RefuseErasureForm(BaseForm):
    reason = TextAreaField(_l("Why must the data be kept?"),
                           [DataRequired(_l("Write why the data must be kept")),
                            Length(max=MESSAGE_MAX, message=_l("Keep the reason under %(max)d characters"))])
