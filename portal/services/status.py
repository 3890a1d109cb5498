"""An applicant's own view of their application: sign-in links, withdrawal, data export, erasure."""
import logging
import operator
import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from functools import reduce

from peewee import SqliteDatabase

from .. import lifecycle, mail, names
from ..lifecycle import Role, Status
from ..clock import now_utc
from ..db import database
from ..mail import MAX_ATTEMPTS
from ..models import (Application, AuditEvent, Meeting, Milestone, Note, OneTimeToken, Outbox, Outcome, Pair,
                      Referral, Site)
from . import audit, cohort_figures, course, limits, moves, tokens
from .registration import EDITABLE, RESUME_LIFETIME, absolute_url

SIGN_IN_LIFETIME = timedelta(hours=1)
SESSION_LIFETIME = timedelta(hours=1)       # a status session ends an hour after sign-in
MAX_LINKS_PER_HOUR = 5
EXPORT_FORMAT = 1
# Only these audit details reach the applicant: codes about their own application. Free-form
# details could name staff or other applications (e.g. a duplicate's id), so they never do.
# A staff message in the details ("message") was sent to the applicant, so it is theirs already;
# internal free text (a withdrawal "reason") is treated like a note, see export_data.
HISTORY_DETAILS = ("from_status", "to_status", "status", "verdict", "purpose", "code", "message")
# Why staff did something, when the event does not say: the applicant is told the purpose, not the person.
PURPOSES = {"application.viewed": "assessment", "application.taken": "assessment",
            "application.note_added": "assessment"}
ERASED = mail.ERASED
# Audit details that hold free text written about the person (a staff message to them, a withdrawal reason).
FREE_TEXT_DETAILS = ("message", "reason")
SEARCH_DETAIL = "q"           # the queue's search term, kept in an export's filters
log = logging.getLogger("portal.erasure")


class NotAllowed(Exception):
    """The application's status does not allow this (e.g. withdrawing an approved application)."""


def normalise_reference(text: str) -> str:
    compact = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if compact.startswith("MB"):
        compact = compact[2:]
    return f"MB-{compact[:4]}-{compact[4:8]}" if len(compact) == 8 else ""


def links_sent_recently(application: Application) -> int:
    return (OneTimeToken.select()
            .where((OneTimeToken.purpose == "status") & (OneTimeToken.application == application)
                   & (OneTimeToken.created_at > now_utc() - timedelta(hours=1)))
            .count())


def send_sign_in_link(reference: str, email: str) -> None:
    """Email a one-time sign-in link if reference and email belong together; silent otherwise.

    The caller answers the same in every case, so the form tells nobody whether an application exists."""
    application = Application.get_or_none((Application.reference == normalise_reference(reference))
                                          & (Application.email == (email or "").strip().lower()))
    if application is None:
        return
    with database.atomic():
        # Counted inside the write transaction (SQLite takes its lock up front), so two quick
        # requests cannot both slip under the limit.
        if links_sent_recently(application) >= MAX_LINKS_PER_HOUR:
            return
        plain = tokens.issue("status", SIGN_IN_LIFETIME, application=application)
        mail.queue(application.email, "status_link", application.language, name=application.full_name,
                   reference=application.reference, link=absolute_url("status.sign_in", language=application.language, token=plain),
                   minutes=int(SIGN_IN_LIFETIME.total_seconds() // 60))
        audit.record(None, "status.link_sent", application, actor_role="applicant")


MAX_AGAIN = 3          # applications whose links one "send me my link again" emails, newest first


def send_links_again(email: str, client: str | None) -> None:
    """"Send me my link again": email each application under this address (newest first, at most MAX_AGAIN)
    its link: a draft its link to continue, a sent one a sign-in link to its status page. Silent when the
    address is not known, and within the email limits per address and per client (services/limits.py).

    The caller answers the same in every case, so the form tells nobody whether an application exists."""
    address = (email or "").strip().lower()
    found = list(Application.select().where((Application.email == address) & (Application.status != Status.WITHDRAWN)
                                            & (Application.status.in_(list(EDITABLE)) | Application.reference.is_null(False)))
                 .order_by(Application.updated_at.desc(), Application.id.desc()).limit(MAX_AGAIN))
    for application in found:
        with database.atomic():
            # Counted in the write transaction that queues the email: two requests at once cannot both slip under.
            if not limits.may_email(address, client):
                return
            if application.status == Status.DRAFT:
                plain = tokens.issue("resume", RESUME_LIFETIME, application=application)
                mail.queue(application.email, "resume_link", application.language,
                           link=absolute_url("apply.resume", language=application.language, token=plain),
                           days=RESUME_LIFETIME.days)
            elif links_sent_recently(application) < MAX_LINKS_PER_HOUR:
                plain = tokens.issue("status", SIGN_IN_LIFETIME, application=application)
                mail.queue(application.email, "status_link", application.language, name=application.full_name,
                           reference=application.reference,
                           link=absolute_url("status.sign_in", language=application.language, token=plain),
                           minutes=int(SIGN_IN_LIFETIME.total_seconds() // 60))
            else:
                continue
            audit.record(None, "status.link_sent_again", application, actor_role="applicant")


def question(application: Application) -> str | None:
    """What staff asked the applicant, while they wait for the answer (sent by email too, when there is an
    address: an applicant with only a phone number reads it here)."""
    if application.status != Status.NEEDS_INFO:
        return None
    asked = (AuditEvent.select(AuditEvent.details)
             .where((AuditEvent.object_type == "application") & (AuditEvent.object_id == application.public_id)
                    & (AuditEvent.action == lifecycle.MOVES["ask"].records))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).first())
    return (asked.details or {}).get("message") if asked else None


@dataclass(frozen=True)
class Rejection:
    code: str | None              # one of decisions.REJECTION_CODES: the reason's sentence (emails/_reasons.txt)
    message: str | None           # what staff wrote to the applicant, if anything


def rejection(application: Application) -> Rejection | None:
    """Why the application was not approved, as the applicant was told."""
    if application.status != Status.REJECTED:
        return None
    reason = application.decision_reason
    return Rejection(application.decision_code, reason if reason and reason != application.decision_code else None)


@dataclass(frozen=True)
class Mentoring:
    """The mentee's course as they see it on the status page."""
    pair: Pair
    mentor: str
    company: str | None
    site: Site | None
    meetings: list                # Meeting, oldest first
    expected: int                 # meetings expected by today (services/course.py)
    next_expected: date | None    # when the next meeting is due, while the pair meets
    milestones: list              # Milestone, in the order reached
    outcome: Outcome | None


def mentoring(application: Application, today: date | None = None) -> Mentoring | None:
    """The mentoring of a matched applicant: their mentor, where they meet, meetings, milestones, outcome."""
    today = today or date.today()
    pair = Pair.get_or_none(Pair.application == application.id)
    if pair is None:
        return None
    site = Site.get_or_none(Site.id == pair.site_id) if pair.site_id else None
    meetings = list(Meeting.select().where(Meeting.pair == pair).order_by(Meeting.held_on, Meeting.id))
    milestones = list(Milestone.select().where(Milestone.pair == pair).order_by(Milestone.reached_on, Milestone.id))
    outcome = Outcome.get_or_none(Outcome.application == application.id)
    return Mentoring(pair, pair.mentor.name, site.company.name if site else None, site, meetings,
                     course.expected_meetings(pair, pair.programme, today),
                     course.next_meeting_due(pair, meetings[-1].held_on if meetings else None, today)
                     if application.status in lifecycle.MEETING else None,
                     milestones, outcome)


def link_is_valid(plain: str) -> bool:
    """Whether a sign-in link would work, without using it (mail scanners open links too)."""
    return tokens.find("status", plain) is not None


def sign_in(plain: str) -> Application | None:
    """The application a sign-in link opens; each link works once."""
    token = tokens.find("status", plain)
    if token is None:
        return None
    with database.atomic():
        if not tokens.use(token):
            return None
        application = Application.get_or_none(Application.id == token.application_id)
        if application is not None:
            audit.record(None, "status.signed_in", application, actor_role="applicant")
    return application


def may_edit(application: Application) -> bool:
    return application.status in EDITABLE


def signed_in_since_sent(application: Application, signed_in_at) -> bool:
    """Whether a status sign-in (a Unix time) came after the application was last sent: a browser signed
    in before that may not edit it again when staff ask for more (a fresh link from the email may)."""
    if application.submitted_at is None:
        return True
    sent = application.submitted_at.replace(tzinfo=timezone.utc).timestamp()
    return isinstance(signed_in_at, (int, float)) and signed_in_at > sent


def may_withdraw(application: Application) -> bool:
    return lifecycle.may("withdraw_own", application.status, Role.APPLICANT)


def withdraw(application: Application) -> Application:
    """Withdraw the application, and with it the consent, in one step; refused once decided."""
    def tell(after):
        if after.email:
            mail.queue(after.email, "status_withdrawn", after.language, name=after.full_name,
                       reference=after.reference)
    try:
        # Conditional on the status it is in: a reviewer deciding at the same moment wins or loses cleanly.
        return moves.make(application, "withdraw_own", None, Role.APPLICANT, details={"consent_withdrawn": True},
                          then=tell)
    except moves.MoveRefused as refused:
        raise NotAllowed(refused.status) from refused


def request_erasure(application: Application) -> Application:
    """Record that the applicant asked to be deleted (staff carry it out within 30 days, or refuse with a
    reason: services/erasures.py); asking twice counts once, asking again after a refusal is a new request."""
    with database.atomic():
        changed = (Application.update(erasure_requested_at=now_utc(), erasure_refused_at=None,
                                      erasure_refused_by=None, erasure_refusal_reason=None)
                   .where((Application.id == application.id)
                          & (Application.erasure_requested_at.is_null() | Application.erasure_refused_at.is_null(False)))
                   .execute())
        if changed:
            audit.record(None, "application.erasure_requested", application, actor_role="applicant",
                         status=application.status)
            if application.email:
                mail.queue(application.email, "status_erasure_requested", application.language,
                           name=application.full_name, reference=application.reference)
    return Application.get_by_id(application.id)


def export(application: Application) -> dict:
    """Everything we hold about the applicant, for them to download; the export itself is logged first."""
    with database.atomic():
        audit.record(None, "application.exported_by_applicant", application, actor_role="applicant")
    return export_data(Application.get_by_id(application.id))


def _time(value):
    return value.replace(tzinfo=timezone.utc).isoformat() if value is not None else None


def export_data(application: Application) -> dict:
    """The applicant's data as JSON-ready values: only their own records, no staff names or emails.

    Choices (GDPR art. 15 access, limited by art. 15(4) where others' data is involved):
    - Who acted is given by role ("staff", "caseworker", "applicant", "system"), never by name.
    - Internal staff notes are about the applicant, but free text that may name staff or other people:
      the export says how many there are and when they were written; the text is given on request
      after staff have checked it for others' data (the page says so).
    - The possible-duplicate flag is theirs; which other application matched is someone else's data.
    - Link secrets (hashes) and email bodies (which hold links) are not data about the person.
    """
    a = application
    history = (AuditEvent.select().where((AuditEvent.object_type == "application")
                                         & (AuditEvent.object_id == a.public_id))
               .order_by(AuditEvent.at, AuditEvent.id))
    notes = list(Note.select(Note.created_at).where(Note.application == a).order_by(Note.created_at))
    emails = []
    if a.email and a.reference:
        emails = [{"subject": m.subject, "queued_at": _time(m.created_at), "sent_at": _time(m.sent_at)}
                  for m in Outbox.select().where((Outbox.recipient == a.email)
                                                 & (Outbox.subject.contains(a.reference)
                                                    | Outbox.body.contains(a.reference)))
                  .order_by(Outbox.id)]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _time(now_utc()),
        "controller": "Mentorbro",
        "application": {
            "reference": a.reference, "status": a.status, "source": a.source, "language": a.language,
            "created_at": _time(a.created_at), "updated_at": _time(a.updated_at),
            "submitted_at": _time(a.submitted_at), "erasure_requested_at": _time(a.erasure_requested_at),
            "erasure_refused_at": _time(a.erasure_refused_at), "erasure_refusal_reason": a.erasure_refusal_reason,
            "programme": a.programme.name if a.programme_id else None,
            "assigned_to_a_staff_member": a.assigned_to_id is not None,
            "decided_at": _time(a.decided_at), "decided_by_role": a.decided_by.role if a.decided_by_id else None,
            "decision_code": a.decision_code, "decision_reason": a.decision_reason,
            "possible_duplicate": a.possible_duplicate,
        },
        "personal_details": {
            "full_name": a.full_name, "birth_year": a.birth_year, "email": a.email, "phone": a.phone,
            "municipality": ({"code": a.municipality_id, "name": a.municipality.name}
                             if a.municipality_id else None),
        },
        "answers": a.answers or {},
        "completed_steps": a.completed_steps or [],
        "eligibility": {"verdict": a.verdict, "ruleset_version": a.ruleset_version, "results": a.eligibility},
        "consent": {"text_version": a.consent_version, "given_at": _time(a.consent_at),
                    "channel": a.consent_channel,
                    "withdrawn": a.status == Status.WITHDRAWN},
        "referrals": [{"by_role": "caseworker", "municipality": r.municipality.name, "created_at": _time(r.created_at),
                       "invited_at": _time(r.invited_at), "mode": r.mode, "full_name": r.full_name,
                       "email": r.email, "phone": r.phone, "note": r.note,
                       "consent_how": r.consent_how, "consent_at": r.consent_at.isoformat() if r.consent_at else None}
                      for r in Referral.select().where(Referral.application == a)],
        "history": [_history_entry(e) for e in history],
        "internal_notes": {"count": len(notes), "written_at": [_time(n.created_at) for n in notes]},
        "emails": emails,
        "mentoring": _mentoring_export(a),
    }


def _day(value):
    return value.isoformat() if value is not None else None


def _mentoring_export(a: Application) -> dict | None:
    """The mentoring: the pair, the mentor's name (the applicant knows them; not their contact details),
    the meetings with the mentor's notes about them, the milestones and the outcome."""
    pair = Pair.get_or_none(Pair.application == a.id)
    outcome = Outcome.get_or_none(Outcome.application == a.id)
    if pair is None and outcome is None:
        return None
    site = Site.get_or_none(Site.id == pair.site_id) if pair and pair.site_id else None
    return {
        "pair": {"programme": pair.programme.name, "matched_at": _time(pair.accepted_at),
                 "started_on": _day(pair.started_on), "company": site.company.name if site else None,
                 "site": ({"name": site.name, "address": site.address, "postcode": site.postcode, "town": site.town}
                          if site else None)} if pair else None,
        "mentor": {"name": pair.mentor.name} if pair else None,
        "meetings": [{"held_on": _day(m.held_on), "note": m.note, "logged_by_role": m.logged_by.role}
                     for m in Meeting.select().where(Meeting.pair == pair).order_by(Meeting.held_on, Meeting.id)]
        if pair else [],
        "milestones": [{"kind": m.kind, "reached_on": _day(m.reached_on)}
                       for m in Milestone.select().where(Milestone.pair == pair).order_by(Milestone.reached_on)]
        if pair else [],
        "outcome": ({"kind": outcome.kind, "reached_on": _day(outcome.reached_on),
                     "recorded_at": _time(outcome.recorded_at)} if outcome else None),
    }


def _history_entry(event: AuditEvent) -> dict:
    details = event.details or {}
    entry = {"at": _time(event.at), "action": event.action, "actor_role": event.actor_role,
             **{key: details[key] for key in HISTORY_DETAILS if details.get(key) is not None}}
    if event.action in PURPOSES and "purpose" not in entry:
        entry["purpose"] = PURPOSES[event.action]
    return entry


def _identifiers(a: Application) -> list[str]:
    """The strings that name the person, as they could appear in emails and audit details."""
    return [value for value in (a.full_name, a.email, a.phone) if value and len(value) >= 3]


def _names_person(search, identifiers: list[str]) -> bool:
    """A staff search term that finds the person: part of their name, email or phone, or all of one, as
    typed or as the queue's search folds it ("oestergaard" finds "Østergaard": portal/names.py)."""
    term = search.casefold().strip()
    if len(term) >= 3 and any(term in i.casefold() or i.casefold() in term for i in identifiers):
        return True
    words = names.words(search)
    return sum(map(len, words)) >= 3 and any(all(word in names.fold(i) for word in words) for i in identifiers)


def _scrub(value, identifiers: list[str], free_text: bool):
    """`value` with every string naming the person (and, for their own events, free text) erased."""
    if isinstance(value, dict):
        return {key: (ERASED if (free_text and key in FREE_TEXT_DETAILS and item is not None)
                      or (key == SEARCH_DETAIL and isinstance(item, str) and _names_person(item, identifiers))
                      else _scrub(item, identifiers, free_text)) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, identifiers, free_text) for item in value]
    if isinstance(value, str) and any(i.casefold() in value.casefold() for i in identifiers):
        return ERASED
    return value


def _redact_audit(a: Application) -> None:
    """Erase the person from audit details (a staff message or reason, a search term in an export's
    filters); who did what and when stays. The database allows only this marked change (migration 0003)."""
    identifiers = _identifiers(a)
    where = (AuditEvent.object_id == a.public_id) | (AuditEvent.action == "applications.exported")
    for identifier in identifiers:
        where |= AuditEvent.details.contains(identifier)
    for event in AuditEvent.select(AuditEvent.id, AuditEvent.object_id, AuditEvent.details).where(where):
        details = event.details or {}
        scrubbed = _scrub(details, identifiers, free_text=event.object_id == a.public_id)
        if scrubbed != details:
            AuditEvent.update(details={**scrubbed, "redacted": True}).where(AuditEvent.id == event.id).execute()


def _mentions(text: str, identifiers: list[str]) -> bool:
    """Whether `text` names the person: one of their identifiers as a whole word (so that "Ali" is found in
    "mentee: Ali", but not in "kvalifikationer")."""
    return any(re.search(rf"(?<!\w){re.escape(i)}(?!\w)", text, re.IGNORECASE) for i in identifiers)


def _scrub_emails(a: Application) -> None:
    """Scrub every email that names the person, whoever it was for; unsent ones never go out."""
    if a.email:
        # The address is the person's: every email to it is scrubbed.
        (Outbox.update(recipient=ERASED, subject=ERASED, body="", link=None)
         .where(Outbox.recipient == a.email).execute())
    # Emails to others about the person (their mentor's match email, a caseworker told of a decision) keep
    # only their recipient. The database finds candidates; the whole-word check keeps others' emails.
    identifiers = [*_identifiers(a), *([a.reference] if a.reference else [])]
    if identifiers:
        candidates = reduce(operator.or_, (Outbox.subject.contains(i) | Outbox.body.contains(i) for i in identifiers))
        named = [m.id for m in Outbox.select(Outbox.id, Outbox.subject, Outbox.body)
                 .where(candidates & (Outbox.subject != ERASED))
                 if _mentions(m.subject, identifiers) or _mentions(m.body, identifiers)]
        for batch in range(0, len(named), 500):
            (Outbox.update(subject=ERASED, body="", link=None)
             .where(Outbox.id.in_(named[batch:batch + 500])).execute())
    (Outbox.update(attempts=MAX_ATTEMPTS, last_error="erased", claimed_by=None, claimed_at=None)
     .where(((Outbox.recipient == ERASED) | (Outbox.subject == ERASED)) & Outbox.sent_at.is_null()).execute())


def delete_personal_data(a: Application) -> None:
    """Delete an application with its links and notes, and scrub the person from referrals, emails and
    audit details.

    Call inside the caller's transaction, which also writes the audit event. The application's part of its
    cohort's anonymous figures is kept first (services/cohort_figures.py), so the programme report still adds up."""
    cohort_figures.keep(a)
    _scrub_emails(a)
    _redact_audit(a)
    # The caseworker's referral stays countable for the municipality, without the person in it.
    (Referral.update(full_name=ERASED, email=None, phone=None, note="", application=None)
     .where(Referral.application == a).execute())
    Note.delete().where(Note.application == a).execute()
    OneTimeToken.delete().where(OneTimeToken.application == a).execute()
    Application.delete().where(Application.id == a.id).execute()


def forget_deleted_search_terms() -> None:
    """Drop deleted applications' trigrams from SQLite's search index (migrations/0007) for good.

    Deleting a row only adds delete markers: its trigrams (enough to spell its name, email and reference
    again) stay in the index's older segments until a merge reaches them, and SQLite 3.40's FTS5 has no
    'secure-delete'. 'optimize' merges everything into one segment, leaving them out; secure_delete
    zeroes the freed pages. Rewrites the whole index: ~0.25 s at 100,000 applications, ~3 s at 1,000,000."""
    if isinstance(database.obj, SqliteDatabase):
        database.execute_sql("INSERT INTO application_search (application_search) VALUES ('optimize')")


def erase(application: Application, staff_user) -> str:
    """Delete the applicant's personal data (staff carry out an erasure request); returns the reference.

    The application, its links and notes are deleted, referrals and emails to the address are
    scrubbed, and one audit event keeps only the reference, so the erasure itself is on record."""
    if staff_user is None or staff_user.role not in ("staff", "admin"):
        raise PermissionError("only staff may erase an application")
    with database.atomic():
        a = Application.get_or_none(Application.id == application.id)
        if a is None:
            raise NotAllowed("already erased")
        delete_personal_data(a)
        forget_deleted_search_terms()
        audit.record(staff_user, "application.erased", object_type="application", object_id=a.public_id,
                     reference=a.reference, requested=a.erasure_requested_at is not None)
    clear_write_ahead_log()
    return a.reference


def clear_write_ahead_log() -> bool:
    """SQLite: fold the write-ahead log into the database file and truncate it; call after a commit.

    Until then, the pages an erasure changed are in the -wal file as they were before it (the name, the
    answers...), and a checkpoint alone copies the new pages over without emptying the log. With
    secure_delete, the pages in the database file hold zeros where the data was. A no-op on PostgreSQL
    (see the README). False if it could not run: a long read blocked it, or a caller's transaction is still
    open (SQLite refuses to checkpoint inside one); the next erasure or purge does it."""
    if not isinstance(database.obj, SqliteDatabase):
        return True
    blocked = database.in_transaction() or database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if blocked:
        log.warning("the write-ahead log was not truncated after an erasure; the next erasure or purge does it")
    return not blocked
