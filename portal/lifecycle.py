"""The life cycle of an application, from draft to the end of the mentoring: every state, every move
between states, who may make it, what must hold, what is recorded and who is told. Pure: no Flask, no
database. `services/moves.py` is the one place that carries a move out; nothing else writes a status.

The words for each state and each recorded event live here too, marked for translation with `N_` and
translated when a page or email shows them (templates get this module as the global `lifecycle`)."""
from dataclasses import dataclass
from enum import StrEnum


def N_(text: str) -> str:
    """Marks a string for the translation catalogue; it is translated where it is shown."""
    return text


class Status(StrEnum):
    DRAFT = "draft"                  # being filled in by the applicant (or started by a caseworker)
    SUBMITTED = "submitted"          # sent; waiting in the staff's queue
    IN_REVIEW = "in_review"          # a staff member has taken it
    NEEDS_INFO = "needs_info"        # staff asked the applicant a question; the applicant may change answers
    APPROVED = "approved"            # approved for a programme with a free place
    WAITING = "waiting"              # approved, on the waiting list for the next programme
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"          # by the applicant, or by staff at the applicant's request
    DUPLICATE = "closed_duplicate"   # closed because the person is handled under another application
    MATCHED = "matched"              # has a mentor; the course has not started
    ACTIVE = "active"                # the course is running
    COMPLETED = "completed"          # the course has ended (at its end date, or early with a reason)


class PairState(StrEnum):
    """A mentor pair's state, read from its mentee's application."""
    MATCHED = "matched"              # paired; the course has not started
    ACTIVE = "active"                # meeting
    ENDED = "ended"


class Role(StrEnum):
    """Who makes a move. Admins act as staff; the system is `flask purge`, `flask end-courses` and the like."""
    APPLICANT = "applicant"
    CASEWORKER = "caseworker"
    STAFF = "staff"
    MENTOR = "mentor"
    COORDINATOR = "coordinator"      # a mentor company's contact: its sites, mentors and pairs' progress
    SYSTEM = "system"


S = Status

# The groups other code asks about.
OPEN = frozenset({S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO})               # in the staff's queue, undecided
EDITABLE = frozenset({S.DRAFT, S.NEEDS_INFO})                              # the applicant may change answers
APPROVED_GROUP = frozenset({S.APPROVED, S.WAITING})                        # approved, not yet matched
IN_PROGRAMME = frozenset({S.MATCHED, S.ACTIVE, S.COMPLETED})              # has (had) a mentor
MEETING = frozenset({S.MATCHED, S.ACTIVE})                                 # a pair that still meets
CLOSED = frozenset({S.REJECTED, S.WITHDRAWN, S.DUPLICATE, S.COMPLETED})   # nothing more will happen
DECIDED = frozenset({S.APPROVED, S.WAITING, S.REJECTED, S.DUPLICATE, *IN_PROGRAMME})
# A person who already has one of these is "already known": a new application from them is a possible duplicate.
KNOWN = frozenset(set(Status) - {S.DRAFT, S.WITHDRAWN, S.REJECTED, S.DUPLICATE})
# What the staff's queue lists and filters by (a draft is nobody's business but the applicant's).
QUEUE = tuple(s for s in Status if s is not S.DRAFT)


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset            # the states it may start from
    target: Status
    roles: frozenset              # who may make it
    records: str                  # the audit action written
    requires: tuple = ()          # what must hold, as codes the service checks (and refuses with)
    tells: tuple = ()             # who is emailed: "applicant", "caseworker", "mentor"


def _move(name, sources, target, roles, records, requires=(), tells=()):
    return Move(name, frozenset(sources), target, frozenset(roles), records, tuple(requires), tuple(tells))


R = Role
# The one transition table.
MOVES = {m.name: m for m in (
    _move("submit", {S.DRAFT}, S.SUBMITTED, {R.APPLICANT, R.CASEWORKER}, "application.submitted",
          requires=("complete",), tells=("applicant",)),
    _move("resubmit", {S.NEEDS_INFO}, S.SUBMITTED, {R.APPLICANT}, "application.resubmitted",
          requires=("complete",), tells=("applicant",)),
    _move("take", {S.SUBMITTED, S.IN_REVIEW}, S.IN_REVIEW, {R.STAFF}, "application.taken",
          requires=("not_already_yours",)),
    _move("ask", {S.IN_REVIEW}, S.NEEDS_INFO, {R.STAFF}, "application.info_requested",
          requires=("message",), tells=("applicant",)),
    _move("approve", {S.IN_REVIEW}, S.APPROVED, {R.STAFF}, "application.approved",
          requires=("programme_not_ended", "programme_has_place"), tells=("applicant", "caseworker")),
    _move("wait_list", {S.IN_REVIEW}, S.WAITING, {R.STAFF}, "application.wait_listed",
          tells=("applicant", "caseworker")),
    _move("place", {S.WAITING}, S.APPROVED, {R.STAFF}, "application.placed",
          requires=("programme_not_ended", "programme_has_place"), tells=("applicant", "caseworker")),
    _move("reject", {S.IN_REVIEW}, S.REJECTED, {R.STAFF}, "application.rejected",
          requires=("reason",), tells=("applicant", "caseworker")),
    _move("close_duplicate", OPEN, S.DUPLICATE, {R.STAFF}, "application.closed_as_duplicate",
          requires=("kept_application",), tells=("caseworker",)),
    _move("withdraw", OPEN, S.WITHDRAWN, {R.STAFF}, "application.withdrawn", tells=("applicant",)),
    _move("withdraw_own", {S.DRAFT, *OPEN}, S.WITHDRAWN, {R.APPLICANT}, "application.withdrawn",
          tells=("applicant",)),
    _move("match", {S.APPROVED}, S.MATCHED, {R.STAFF}, "application.matched",
          requires=("mentor_complete", "mentor_has_room", "programme_has_place"),
          tells=("applicant", "mentor", "caseworker")),
    _move("start", {S.MATCHED}, S.ACTIVE, {R.STAFF}, "application.activated", requires=("start_date_reached",)),
    _move("end_early", {S.MATCHED, S.ACTIVE}, S.COMPLETED, {R.STAFF}, "application.ended_early",
          requires=("reason",), tells=("caseworker",)),
    _move("end", {S.ACTIVE}, S.COMPLETED, {R.STAFF, R.SYSTEM}, "application.completed",
          requires=("end_date_reached",), tells=("caseworker",)),
)}


@dataclass(frozen=True)
class Fact:
    """Something recorded about a mentee without a move (it changes no state): what is recorded, who is told."""
    name: str
    records: str
    tells: tuple = ()


# What is recorded beside the moves; services/moves.py tells those named, as it does for a move.
FACTS = {f.name: f for f in (
    Fact("outcome", "outcome.recorded", tells=("caseworker",)),
)}

# Where a mentee stands (the outcome fact) and the milestones on the way there, with staff's words for them.
OUTCOME_TEXT = {
    "job": N_("In a job"),
    "education": N_("In education"),
    "internship": N_("In an internship"),
    "self_employed": N_("Self-employed (counts as a job)"),
    "none": N_("None of these yet"),
}
POSITIVE_OUTCOMES = ("job", "education", "internship", "self_employed")     # self-employment counts as a job
MILESTONE_TEXT = {
    "cv_ready": N_("CV ready"),
    "first_interview": N_("First job interview"),
    "internship_started": N_("Internship started"),
    "job_offer": N_("Job offer"),
    "education_started": N_("Education started"),
    "business_started": N_("Business started"),
}


def may(move: str, status: str, role: str) -> bool:
    """Whether `role` may make `move` from `status` (what else must hold is the service's to check)."""
    m = MOVES[move]
    return status in m.sources and role in m.roles


def moves_from(status: str, role: str) -> list[str]:
    return [name for name, m in MOVES.items() if status in m.sources and role in m.roles]


def pair_state(status: str) -> PairState | None:
    return {S.MATCHED: PairState.MATCHED, S.ACTIVE: PairState.ACTIVE, S.COMPLETED: PairState.ENDED}.get(status)


# ---------------------------------------------------------------- words

STATUS_LABELS = {
    S.DRAFT: N_("Draft"),
    S.SUBMITTED: N_("Submitted"),
    S.IN_REVIEW: N_("In review"),
    S.NEEDS_INFO: N_("Waiting for the applicant"),
    S.APPROVED: N_("Approved"),
    S.WAITING: N_("On the waiting list"),
    S.REJECTED: N_("Rejected"),
    S.WITHDRAWN: N_("Withdrawn"),
    S.DUPLICATE: N_("Closed as a duplicate"),
    S.MATCHED: N_("Matched"),
    S.ACTIVE: N_("In the programme"),
    S.COMPLETED: N_("Completed"),
}

# What each state means, told to the applicant on the status page.
APPLICANT_TEXT = {
    S.DRAFT: N_("Not sent yet. Your answers are saved."),
    S.SUBMITTED: N_("Received. A person at the association will read your application."),
    S.IN_REVIEW: N_("Being read by a person at the association."),
    S.NEEDS_INFO: N_("We need more information from you. Read our question below and update your answers."),
    S.APPROVED: N_("Approved. We are finding a mentor for you."),
    S.WAITING: N_("Approved. The programme you applied for is full, so you are on the waiting list for the "
                  "next one. We write to you when you have a place."),
    S.REJECTED: N_("Not approved. The reason is below."),
    S.WITHDRAWN: N_("Withdrawn."),
    S.DUPLICATE: N_("You have already applied, and we look at your other application instead."),
    S.MATCHED: N_("You have a mentor. The programme starts soon."),
    S.ACTIVE: N_("You are in the programme."),
    S.COMPLETED: N_("You have completed the programme."),
}

# What a caseworker sees of a referral's stage (services/referrals.stage): the application's state, told
# without the assessment, and the stages before and after there is an application to follow.
REFERRAL_STAGE_TEXT = {
    "in_progress": N_("Being filled in"),
    "invited": N_("Invited"),
    "closed": N_("Closed"),
    S.SUBMITTED: N_("Submitted"),
    S.IN_REVIEW: N_("Being assessed"),
    S.NEEDS_INFO: N_("More information asked for"),
    S.APPROVED: N_("Approved"),
    S.WAITING: N_("Approved, on the waiting list"),
    S.REJECTED: N_("Not approved"),
    S.WITHDRAWN: N_("Withdrawn"),
    S.DUPLICATE: N_("Closed as a duplicate"),
    S.MATCHED: N_("Matched with a mentor"),
    S.ACTIVE: N_("In the programme"),
    S.COMPLETED: N_("Completed"),
}

# How a state looks as a DKFDS badge (none: the plain badge).
STATUS_BADGES = {S.SUBMITTED: "info", S.IN_REVIEW: "info", S.NEEDS_INFO: "warning", S.APPROVED: "success",
                 S.WAITING: "info", S.MATCHED: "success", S.ACTIVE: "success", S.COMPLETED: "success",
                 S.REJECTED: "error"}

# The history's words for each recorded event.
EVENT_LABELS = {
    "application.submitted": N_("Sent by the applicant"),
    "application.resubmitted": N_("Sent again by the applicant"),
    "application.taken": N_("Taken for review"),
    "application.info_requested": N_("Asked the applicant for more information"),
    "application.approved": N_("Approved"),
    "application.wait_listed": N_("Put on the waiting list for the next programme"),
    "application.placed": N_("Given a place in a programme"),
    "application.rejected": N_("Rejected"),
    "application.closed_as_duplicate": N_("Closed as a duplicate"),
    "application.withdrawn": N_("Withdrawn"),
    "application.matched": N_("Matched with a mentor"),
    "application.activated": N_("The course started"),
    "application.ended_early": N_("The course was ended early"),
    "application.completed": N_("The course ended"),
    "application.note_added": N_("Added an internal note"),
    "application.viewed": N_("Opened the application"),
    "application.contact_shared": N_("The applicant agreed that the mentor gets their contact details"),
}

