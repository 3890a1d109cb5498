"""Caseworkers' referrals: a citizen referred with a note, then filled in together or invited to finish."""
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, fn

from .. import mail
from ..clock import now_utc
from ..db import database
from ..lifecycle import Status
from ..models import Application, Company, Meeting, Municipality, OneTimeToken, Outcome, Pair, Referral, Site, User
from . import audit, duplicates, tokens
from .registration import RESUME_LIFETIME, absolute_url


class NotYours(LookupError):
    """The referral is not in one of the caseworker's municipalities (shown as 404)."""


def visible_to(caseworker):
    """The referrals of the caseworker's municipalities, newest first."""
    return (Referral.select(Referral, Application).join(Application, on=(Referral.application == Application.id),
                                                        join_type=JOIN.LEFT_OUTER)
            .where(Referral.municipality.in_(caseworker.municipality_codes()))
            .order_by(Referral.created_at.desc(), Referral.id.desc()))


PAGE_SIZE = 50                           # referrals on a page of the caseworker's list


@dataclass(frozen=True)
class ReferralRow:
    """What the caseworker's list shows of one referral."""
    public_id: str
    full_name: str
    municipality: str                    # its name
    created_at: datetime | None
    reference: str | None
    state: str
    referred_by: str = ""                # the caseworker's name
    outcome: str | None = None           # where the citizen stands, once recorded (models.OUTCOMES)


@dataclass(frozen=True)
class ReferralPage:
    rows: list
    page: int
    pages: int
    total: int                           # referrals that match the search


def listing(caseworker, text: str | None, page: int = 1) -> ReferralPage:
    """One page of the referrals of the caseworker's municipalities, newest first, whose name or reference
    holds `text` (if given). A page past the last shows the last.

    Reads only the columns the list shows: the page's referrals (by the municipality and date index),
    then those referrals' applications by id; municipality names come from the cached reference data.
    A search reads the matching ids once (it must join the applications for their references), and
    counts and pages them here rather than running that join twice."""
    codes = caseworker.municipality_codes()
    shown = Referral.select(Referral.id, Referral.public_id, Referral.full_name, Referral.municipality,
                            Referral.created_at, Referral.mode, Referral.application, Referral.caseworker)
    newest_first = (Referral.created_at.desc(), Referral.id.desc())
    mine = Referral.municipality.in_(codes)
    text = (text or "").strip()[:100]
    if text:
        like = f"%{text}%"
        matching = [referral_id for (referral_id,) in
                    Referral.select(Referral.id).join(Application, JOIN.LEFT_OUTER,
                                                      on=(Referral.application == Application.id))
                    .where(mine & (Referral.full_name ** like | Application.reference ** like))
                    .order_by(*newest_first).tuples()]
        total = len(matching)
    else:
        total = Referral.select().where(mine).count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    if text:
        on_page = matching[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        found = list(shown.where(Referral.id.in_(on_page)).order_by(*newest_first).tuples()) if on_page else []
    else:
        found = list(shown.where(mine).order_by(*newest_first).paginate(page, PAGE_SIZE).tuples())
    ids = [row[6] for row in found if row[6] is not None]
    applications = {app_id: (reference, status, kept) for app_id, reference, status, kept in
                    Application.select(Application.id, Application.reference, Application.status,
                                       Application.duplicate_of)
                    .where(Application.id.in_(ids)).tuples()} if ids else {}
    # A duplicate shows where the citizen is handled: the kept applications' states, read at once.
    kept_ids = [kept for _, _, kept in applications.values() if kept is not None]
    kept_states = dict(Application.select(Application.id, Application.status)
                       .where(Application.id.in_(kept_ids)).tuples()) if kept_ids else {}
    outcomes = dict(Outcome.select(Outcome.application, Outcome.kind)
                    .where(Outcome.application.in_(ids)).tuples()) if ids else {}
    caseworker_ids = {row[7] for row in found}
    referrers = dict(User.select(User.id, User.name).where(User.id.in_(caseworker_ids)).tuples()) if found else {}
    names = dict(Municipality.names())
    rows = []
    for _id, public_id, full_name, code, created_at, mode, app_id, caseworker_id in found:
        reference, status, kept = applications.get(app_id, (None, None, None))
        rows.append(ReferralRow(public_id, full_name, names.get(code, code), created_at, reference,
                                stage(status, mode, kept_states.get(kept)), referrers.get(caseworker_id, ""),
                                outcomes.get(app_id)))
    return ReferralPage(rows, page, pages, total)


@dataclass(frozen=True)
class Mentoring:
    """What the caseworker may know of the mentoring: the mentor's company (never the mentor's name or notes),
    how many meetings were held, and the outcome once recorded."""
    company: str | None
    meetings: int
    outcome: str | None
    outcome_reached_on: object = None


def mentoring(referral: Referral) -> Mentoring | None:
    """The mentoring of the referred citizen (None before a match). A citizen closed as a duplicate is followed
    under the application they are handled under."""
    application = referral.application
    if application is None:
        return None
    if application.status == Status.DUPLICATE and application.duplicate_of_id:
        application = application.duplicate_of
    pair = (Pair.select(Pair.id, Company.name).join(Site, JOIN.LEFT_OUTER, on=(Pair.site == Site.id))
            .join(Company, JOIN.LEFT_OUTER).where(Pair.application == application.id).tuples().first())
    outcome = Outcome.get_or_none(Outcome.application == application.id)
    if pair is None and outcome is None:
        return None
    pair_id, company = pair or (None, None)
    meetings = Meeting.select(fn.COUNT(Meeting.id)).where(Meeting.pair == pair_id).scalar() if pair_id else 0
    return Mentoring(company, meetings or 0, outcome.kind if outcome else None,
                     outcome.reached_on if outcome else None)


def get_for(caseworker, public_id: str) -> Referral:
    referral = visible_to(caseworker).where(Referral.public_id == str(public_id)[:64]).first()
    if referral is None:
        raise NotYours(public_id)
    return referral


def citizen_may_be_known(data: dict) -> bool:
    """Whether a submitted, still open or decided application may be the citizen's (same email, or same
    folded name and year of birth): a yes or no for the caseworker's warning, never which one."""
    return duplicates.is_known(data.get("full_name"), data.get("birth_year"), data.get("email"))


def create(caseworker, data: dict) -> Referral:
    """Record the referral and start the citizen's application, prefilled with what the caseworker knows."""
    if data["municipality"] not in caseworker.municipality_codes():
        raise NotYours(data["municipality"])
    with database.atomic():
        application = Application.create(
            source="referral", language=data["language"], full_name=data["full_name"],
            birth_year=data.get("birth_year"),
            email=(data.get("email") or "").lower() or None, phone=data.get("phone") or None,
            municipality=data["municipality"],
            answers={"about-you": {"full_name": data["full_name"], "birth_year": data.get("birth_year"),
                                   "language": data["language"]},
                     "contact": {"email": data.get("email") or None, "phone": data.get("phone") or None,
                                 "municipality": data["municipality"]}})
        referral = Referral.create(
            caseworker=caseworker, municipality=data["municipality"], full_name=data["full_name"],
            email=data.get("email") or None, phone=data.get("phone") or None, language=data["language"],
            note=data["note"], consent_how=data["consent_how"], consent_at=data["consent_at"],
            mode=data["mode"], application=application)
        audit.record(caseworker, "referral.created", referral, mode=data["mode"], application=application.public_id,
                     **({"sent_anyway": True} if data.get("send_anyway") else {}))
        if data["mode"] == "invite":
            _invite(caseworker, referral, application)
    return referral


def _invite(caseworker, referral, application):
    plain = tokens.issue("resume", RESUME_LIFETIME, application=application)
    mail.queue(referral.email, "referral_invitation", referral.language, name=referral.full_name,
               municipality=referral.municipality.name, link=absolute_url("apply.resume", language=referral.language, token=plain),
               days=RESUME_LIFETIME.days)
    Referral.update(invited_at=now_utc()).where(Referral.id == referral.id).execute()
    audit.record(caseworker, "referral.invited", referral)


def resend_invitation(caseworker, referral: Referral) -> bool:
    """Send the invitation again while the citizen has not submitted; earlier links stop working."""
    application = referral.application
    if application is None or application.status != Status.DRAFT or not referral.email:
        return False
    with database.atomic():
        (OneTimeToken.update(used_at=now_utc())
         .where((OneTimeToken.application == application) & (OneTimeToken.purpose == "resume")
                & OneTimeToken.used_at.is_null()).execute())
        _invite(caseworker, referral, application)
    return True


def state(referral: Referral) -> str:
    """What the caseworker may know: the stage, never the assessment or staff notes."""
    application = referral.application
    if application is not None and application.status == Status.DUPLICATE and application.duplicate_of_id:
        return stage(application.status, referral.mode, application.duplicate_of.status)
    return stage(application.status if application is not None else None, referral.mode)


def stage(status: str | None, mode: str | None, kept_status: str | None = None) -> str:
    """The stage of a referral whose application has `status` (None: no application any more). An
    application closed as a duplicate shows the stage of the one the citizen is handled under
    (`kept_status`)."""
    if status is None:
        return "closed"
    if status == Status.DRAFT:
        return "invited" if mode == "invite" else "in_progress"
    if status == Status.DUPLICATE and kept_status:
        return kept_status
    return status


def handled_under(referral: Referral) -> str | None:
    """The reference of the application the citizen is handled under, when the referred one was closed as a
    duplicate of it."""
    application = referral.application
    if application is not None and application.status == Status.DUPLICATE and application.duplicate_of_id:
        return application.duplicate_of.reference
    return None

