"""Staff decisions on an application: take, approve (into a programme with a place), wait-list, place,
ask for information, reject, close as a duplicate, withdraw.

Each is a move of the life cycle (services/moves.py): one conditional UPDATE (expected status and the version
the reviewer saw), the audit row and the emails, in one transaction, so two reviewers acting at once can never
both win."""
from datetime import date, timedelta

from .. import mail
from ..clock import now_utc
from .. import lifecycle
from ..lifecycle import Role, Status
from ..models import Application, Programme
from . import moves, tokens
from .moves import MoveRefused
from .cohorts import end_date
from .registration import absolute_url
from .application_file import duplicate_choices, find


REJECTION_CODES = ("residence", "qualification", "language", "catchment", "age", "capacity",
                   "duplicate", "other")
INFO_LINK_LIFETIME = timedelta(days=30)

# The decisions staff make on the application's page, in the order its buttons show them (lifecycle.MOVES).
ACTIONS = ("take", "approve", "wait_list", "place", "ask", "reject", "close_duplicate", "withdraw")


def may(action: str, application: Application, user, found: list | None = None) -> bool:
    """Whether staff may make the decision on the application as it is now (`found`: its possible
    duplicates, when the caller has read them already)."""
    if not lifecycle.may(action, application.status, Role.STAFF):
        return False
    if action == "take" and application.status == Status.IN_REVIEW:
        return application.assigned_to_id != user.id
    if action == "close_duplicate":
        return bool(duplicate_choices(application, found))
    return True


def available_actions(application: Application, user, found: list | None = None) -> list[str]:
    return [action for action in ACTIONS if may(action, application, user, found)]


def open_programmes():
    return list(Programme.select().order_by(Programme.open_for_applications.desc(),
                                            Programme.start_date.desc(), Programme.id.desc()))


def places_taken(programme: Programme) -> int:
    """The programme's places given: approved applicants, and those matched, in the course or through it."""
    return (Application.select().where((Application.programme == programme)
                                       & Application.status.in_((Status.APPROVED, *lifecycle.IN_PROGRAMME)))
            .count())


def programme_problem(programme: Programme, today: date) -> str | None:
    """Why no one more can be approved into the programme today ("ended", "full"), or None."""
    if today >= end_date(programme):
        return "programme_not_ended"
    if places_taken(programme) >= programme.capacity:
        return "programme_has_place"
    return None


def _status_url(application: Application) -> str:
    """The status page's address for an email to the applicant, in their language."""
    return absolute_url("status.start", language=application.language)


def _tell_applicant(application: Application, template: str, **context) -> bool:
    if not application.email:
        return False
    mail.queue(application.email, template, application.language, name=application.full_name,
               reference=application.reference, **context)
    return True


def _decide(application, action, seen_version, user, columns=None, details=None, where=None, then=None):
    return moves.make(application, action, user, Role.STAFF, seen_version=seen_version, columns=columns,
                      details=details, where=where, then=then)


def take(application: Application, seen_version: int, user) -> Application:
    """Assign the application to `user` and mark it in review."""
    a = Application
    return _decide(application, "take", seen_version, user, columns={"assigned_to": user.id},
                   details={"previous_assignee": application.assigned_to_id},
                   where=(a.status == Status.SUBMITTED) | a.assigned_to.is_null() | (a.assigned_to != user.id))


def approve(application: Application, seen_version: int, user, programme: Programme,
            today: date | None = None, action: str = "approve") -> tuple[Application, bool]:
    """Approve for a programme that has not ended and has a free place ("place": from the waiting list);
    returns the application and whether the applicant was emailed."""
    problem = programme_problem(programme, today or now_utc().date())
    if problem:
        raise MoveRefused(action, problem, application.status)
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_approved", programme=programme.name,
                                       start_date=programme.start_date, status_url=_status_url(after)))
    after = _decide(application, action, seen_version, user, details={"programme": programme.id}, then=tell,
                    columns={"programme": programme.id, "decided_by": user.id, "decided_at": now_utc(),
                             "decision_code": None, "decision_reason": "approved"})
    return after, emailed[0]


def place(application: Application, seen_version: int, user, programme: Programme,
          today: date | None = None) -> tuple[Application, bool]:
    """From the waiting list into a programme with a free place."""
    return approve(application, seen_version, user, programme, today, action="place")


def wait_list(application: Application, seen_version: int, user) -> tuple[Application, bool]:
    """Approved, but on the waiting list for the next programme (the one asked for has ended or is full)."""
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_wait_listed", status_url=_status_url(after)))
    after = _decide(application, "wait_list", seen_version, user, then=tell,
                    columns={"decided_by": user.id, "decided_at": now_utc(), "decision_code": None,
                             "decision_reason": "waiting"})
    return after, emailed[0]


def reject(application: Application, seen_version: int, user, code: str, message: str | None) -> tuple[Application, bool]:
    """Reject with a reason from the list; `message`, if given, goes to the applicant too."""
    if code not in REJECTION_CODES:
        raise ValueError(code)
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_rejected", code=code, message=message or None,
                                       status_url=_status_url(after)))
    after = _decide(application, "reject", seen_version, user, details={"code": code, "message": message or None},
                    columns={"decided_by": user.id, "decided_at": now_utc(), "decision_code": code,
                             "decision_reason": message or code}, then=tell)
    return after, emailed[0]


def close_duplicate(application: Application, seen_version: int, user, kept_reference: str) -> Application:
    """Close as a duplicate of the application the person is handled under: no rejection is sent; the
    referring caseworker is told which application that is."""
    kept = find(kept_reference)
    if kept is None or kept.id == application.id or kept.status == Status.DUPLICATE:
        raise MoveRefused("close_duplicate", "kept_application", application.status)
    return _decide(application, "close_duplicate", seen_version, user, details={"kept": kept.reference},
                   columns={"duplicate_of": kept.id, "decided_by": user.id, "decided_at": now_utc()})


def ask_for_info(application: Application, seen_version: int, user, message: str) -> tuple[Application, bool]:
    """Send the application back with a question and a link that opens it for changes for 30 days."""
    emailed = [False]

    def tell(after):
        if after.email:
            plain = tokens.issue("resume", INFO_LINK_LIFETIME, application=after)
            emailed[0] = _tell_applicant(after, "decision_needs_info", message=message,
                                         link=absolute_url("apply.resume", language=after.language, token=plain),
                                         days=INFO_LINK_LIFETIME.days)
    after = _decide(application, "ask", seen_version, user, details={"message": message}, then=tell)
    return after, emailed[0]


def withdraw(application: Application, seen_version: int, user, reason: str | None) -> tuple[Application, bool]:
    """Withdraw (usually at the applicant's request); the reason stays in the history."""
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_withdrawn", status_url=_status_url(after)))
    after = _decide(application, "withdraw", seen_version, user, details={"reason": reason or None}, then=tell)
    return after, emailed[0]
