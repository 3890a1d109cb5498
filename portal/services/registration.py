"""The applicant's application: drafts saved step by step, resume links, and submission."""
import secrets
from datetime import timedelta

from flask import current_app
from peewee import IntegrityError, OperationalError, SqliteDatabase

from .. import eligibility, lifecycle, mail
from ..answers import STEPS, first_unfinished
from ..clock import now_utc
from ..db import database
from ..lifecycle import Role, Status
from ..models import Application, Programme
from . import duplicates, limits, moves, rules_in_force, tokens
from .links import absolute_url

RESUME_LIFETIME = timedelta(days=30)
EDITABLE = lifecycle.EDITABLE            # the states in which the applicant may change answers
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"     # no 0/O, 1/I/L


class NotEditable(Exception):
    """The application was submitted or decided and can no longer be changed."""


class StorageFull(Exception):
    """The database has no room left (disk full); nothing was saved."""


def _is_full(error: BaseException | None) -> bool:
    """SQLite: "database or disk is full"; PostgreSQL: "could not extend file ... No space left on device".

    SQLite rolls a full transaction back itself, so peewee's own ROLLBACK then fails ("no transaction
    is active") with the real cause as its context: look along the chain."""
    while error is not None:
        text = str(error).lower()
        if "is full" in text or "no space left" in text:
            return True
        error = error.__cause__ or error.__context__
    return False


def new_draft(language: str, source: str = "self") -> Application:
    try:
        offered = current_app.config["LANGUAGES"]
        return Application.create(language=language if language in offered else "da", source=source)
    except OperationalError as error:
        if _is_full(error):
            raise StorageFull() from error
        raise


def _columns_from(step: str, data: dict) -> dict:
    """The queue's filter columns, copied out of a step's answers."""
    if step == "about-you":
        return {"full_name": data.get("full_name"), "birth_year": data.get("birth_year"),
                "language": data.get("language") or "da"}
    if step == "contact":
        return {"email": (data.get("email") or "").lower() or None, "phone": data.get("phone") or None,
                "municipality": data.get("municipality") or None}
    if step == "consent":
        return {"consent_version": data.get("consent_version"), "consent_at": now_utc()}
    return {}


def _locked_row(application: Application):
    """The draft's row as it is now, held until the caller's write transaction ends (SQLite: the whole
    database, from `BEGIN IMMEDIATE`; PostgreSQL: `SELECT … FOR UPDATE`); refused once not editable."""
    row = (Application.select(Application.answers, Application.completed_steps, Application.status,
                              Application.version)
           .where(Application.id == application.id))
    if not isinstance(database.obj, SqliteDatabase):       # SQLite has no FOR UPDATE, nor needs it
        row = row.for_update()
    row = row.first()
    if row is None or row.status not in EDITABLE:
        raise NotEditable(application.public_id)
    return row


def save_step(application: Application, step: str, data: dict, channel: str = "self") -> Application:
    """Store one step's validated answers; refuses once the application is no longer editable.

    The row is read, merged with the step and written in one write transaction that holds the row, so two
    saves at once (two tabs, two devices) keep each other's steps. What was typed on the step and kept
    unsaved is dropped: the step now holds it. The object returned holds the row as this save wrote it."""
    columns = _columns_from(step, data)
    if step == "consent":
        columns["consent_channel"] = channel
    try:
        with database.atomic():
            row = _locked_row(application)
            answers = {**(row.answers or {}), step: data}
            unsaved = {s: typed for s, typed in (answers.pop(UNSAVED, None) or {}).items() if s != step}
            if unsaved:
                answers[UNSAVED] = unsaved
            completed = [s for s in STEPS if s in set(row.completed_steps or ()) | {step}]
            updated_at = now_utc()
            (Application.update(answers=answers, completed_steps=completed, updated_at=updated_at,
                                version=Application.version + 1, **columns)
             .where(Application.id == application.id).execute())
    except OperationalError as error:      # rolled back: nothing of the step is stored
        if _is_full(error):
            raise StorageFull(application.public_id) from error
        raise
    return Application(**{**application.__data__, "answers": answers, "completed_steps": completed,
                          "updated_at": updated_at, **columns, "status": row.status, "version": row.version + 1})


# What was typed on a step and not saved (the person changed language or went back): kept as it was
# typed, under answers["unsaved"][step], until the step is saved or the application sent.
UNSAVED = "unsaved"


def keep_unsaved(application: Application, step: str, typed: dict) -> None:
    """Keep what was typed on a step without validating it, so the step shows it again; the step's saved
    answers and its place among the completed steps stay as they were. Refused once the application is
    no longer editable."""
    try:
        with database.atomic():
            row = _locked_row(application)
            answers = dict(row.answers or {})
            answers[UNSAVED] = {**(answers.get(UNSAVED) or {}), step: typed}
            Application.update(answers=answers, updated_at=now_utc()).where(Application.id == application.id).execute()
    except OperationalError as error:
        if _is_full(error):
            raise StorageFull(application.public_id) from error
        raise


def unsaved_input(application: Application | None, step: str) -> dict | None:
    """What was typed on a step and kept unsaved (field name -> the values posted), if anything."""
    if application is None:
        return None
    return ((application.answers or {}).get(UNSAVED) or {}).get(step) or None


def issue_resume_link(application: Application, client: str | None = None) -> str:
    """A link to come back to this draft from any browser for 30 days, shown on the page; also emailed when
    we have an address, unless that address or the client asking (`client`: its IP address) had their
    share of emails this hour (services/limits.py).

    Nobody has confirmed the address yet, so the email holds nothing the sender typed (not even the name):
    the portal cannot be used to send a stranger someone else's words."""
    with database.atomic():
        plain = tokens.issue("resume", RESUME_LIFETIME, application=application)
        link = absolute_url("apply.resume", language=application.language, token=plain)
        if application.email and limits.may_email(application.email, client):
            mail.queue(application.email, "resume_link", application.language, link=link,
                       days=RESUME_LIFETIME.days)
    return link


def resume(plain: str) -> Application | None:
    """The draft a resume link points to, if the link is valid and the draft still editable."""
    token = tokens.find("resume", plain)
    if token is None or token.application is None or token.application.status not in EDITABLE:
        return None
    return token.application


def facts_for(application: Application) -> eligibility.Facts:
    """What the eligibility rules look at, from the answers as saved."""
    answers = application.answers or {}
    residence, languages = answers.get("residence", {}), answers.get("languages", {})
    education = answers.get("education", {}).get("entries", [])
    work = answers.get("work", {}).get("entries", [])
    danish_test = languages.get("danish_test") if languages.get("danish_test_passed") == "yes" else None
    english_yes = languages.get("english_test_passed") == "yes"
    level = lambda value: value or None          # "none" ("I do not speak it") is a level, not a gap
    return eligibility.Facts(
        birth_year=application.birth_year,
        residence_basis=residence.get("residence_basis"),
        reunified_with_basis=residence.get("reunified_with_basis") or None,
        education_levels=tuple(e.get("level") for e in education if e.get("level")),
        work_years=tuple(w.get("years") for w in work if w.get("years") is not None),
        danish_level=level(languages.get("danish_level")),
        danish_test=danish_test or None,
        english_level=level(languages.get("english_level")),
        english_test=(languages.get("english_test") or None) if english_yes else None,
        english_test_score=languages.get("english_test_score") if english_yes else None,
        municipality_code=application.municipality_id,
    )


def assess(application: Application, programme=None) -> eligibility.Assessment:
    programme = programme or application.programme or Programme.current()
    return eligibility.evaluate(facts_for(application), rules_in_force.ruleset_for(programme),
                                rules_in_force.assessment_date(programme))


def _new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"MB-{code[:4]}-{code[4:]}"


def submit(application: Application, actor=None) -> Application:
    """Submit in one transaction: status, reference, verdict, duplicate flag, audit row and email.

    Submitting twice (double click, two tabs, back and resubmit) gives the same single application."""
    if first_unfinished(application.completed_steps) != "check":
        raise NotEditable(application.public_id)
    programme = application.programme or Programme.current()
    assessment = assess(application, programme)
    for _ in range(5):
        reference = application.reference or _new_reference()
        try:
            with database.atomic():
                try:
                    row = _locked_row(application)
                except NotEditable:
                    return Application.get_by_id(application.id)     # already submitted: nothing twice
                # What was typed on a step and never saved is not part of what is sent.
                answers = {name: value for name, value in (row.answers or {}).items() if name != UNSAVED}

                def tell(fresh):
                    # Sent: no earlier link (the draft's, or a "needs more information" one) opens it for
                    # editing again; if staff ask for more, their email brings a new one.
                    tokens.revoke("resume", application.id)
                    others = [row.id for row in duplicates.known(fresh.full_name, fresh.birth_year, fresh.email,
                                                                 excluding=fresh.id)]
                    if others:
                        Application.update(possible_duplicate=True).where(
                            Application.id.in_([fresh.id, *others])).execute()
                    if fresh.email:
                        # Not the name: nobody has confirmed that the address is the applicant's.
                        mail.queue(fresh.email, "application_received", fresh.language, reference=reference,
                                   status_url=absolute_url("status.start", language=fresh.language))
                try:
                    moves.make(application, "resubmit" if row.status == Status.NEEDS_INFO else "submit", actor,
                               Role.CASEWORKER if actor else Role.APPLICANT, then=tell,
                               details={"verdict": str(assessment.verdict)},
                               columns={"answers": answers, "reference": reference, "submitted_at": now_utc(),
                                        "programme": programme, "verdict": str(assessment.verdict),
                                        "eligibility": assessment.as_dict(),
                                        "ruleset_version": assessment.ruleset_version})
                except moves.MoveRefused:
                    return Application.get_by_id(application.id)     # already submitted: nothing twice
            return Application.get_by_id(application.id)
        except IntegrityError:
            continue      # a reference collision: draw another
    raise RuntimeError("could not draw a unique reference")

