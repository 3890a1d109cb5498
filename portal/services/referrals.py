"""Caseworkers' referrals: a citizen referred with a note, then filled in together or invited to finish."""
from peewee import JOIN

from .. import mail
from ..clock import now_utc
from ..db import database
from ..lifecycle import Status
from ..models import Application, OneTimeToken, Referral
from . import audit, tokens
from .registration import RESUME_LIFETIME, absolute_url


class NotYours(LookupError):
    """The referral is not in one of the caseworker's municipalities (shown as 404)."""


def visible_to(caseworker):
    """The referrals of the caseworker's municipalities, newest first."""
    return (Referral.select(Referral, Application).join(Application, on=(Referral.application == Application.id),
                                                        join_type=JOIN.LEFT_OUTER)
            .where(Referral.municipality.in_(caseworker.municipality_codes()))
            .order_by(Referral.created_at.desc(), Referral.id.desc()))


def search(caseworker, text: str | None):
    query = visible_to(caseworker)
    text = (text or "").strip()[:100]
    if text:
        like = f"%{text}%"
        query = query.where(Referral.full_name ** like | Application.reference ** like)
    return query


def get_for(caseworker, public_id: str) -> Referral:
    referral = visible_to(caseworker).where(Referral.public_id == str(public_id)[:64]).first()
    if referral is None:
        raise NotYours(public_id)
    return referral


def create(caseworker, data: dict) -> Referral:
    """Record the referral and start the citizen's application, prefilled with what the caseworker knows."""
    if data["municipality"] not in caseworker.municipality_codes():
        raise NotYours(data["municipality"])
    with database.atomic():
        application = Application.create(
            source="referral", language=data["language"], full_name=data["full_name"],
            email=(data.get("email") or "").lower() or None, phone=data.get("phone") or None,
            municipality=data["municipality"],
            answers={"about-you": {"full_name": data["full_name"], "language": data["language"]},
                     "contact": {"email": data.get("email") or None, "phone": data.get("phone") or None,
                                 "municipality": data["municipality"]}})
        referral = Referral.create(
            caseworker=caseworker, municipality=data["municipality"], full_name=data["full_name"],
            email=data.get("email") or None, phone=data.get("phone") or None, language=data["language"],
            note=data["note"], consent_how=data["consent_how"], consent_at=data["consent_at"],
            mode=data["mode"], application=application)
        audit.record(caseworker, "referral.created", referral, mode=data["mode"], application=application.public_id)
        if data["mode"] == "invite":
            _invite(caseworker, referral, application)
    return referral


def _invite(caseworker, referral, application):
    plain = tokens.issue("resume", RESUME_LIFETIME, application=application)
    mail.queue(referral.email, "referral_invitation", referral.language, name=referral.full_name,
               municipality=referral.municipality.name, link=absolute_url("apply.resume", token=plain),
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
    if application is None:
        return "closed"
    if application.status == Status.DRAFT:
        return "invited" if referral.mode == "invite" else "in_progress"
    if application.status == Status.DUPLICATE and application.duplicate_of_id:
        return application.duplicate_of.status      # the citizen is handled under the kept application
    return application.status


def handled_under(referral: Referral) -> str | None:
    """The reference of the application the citizen is handled under, when the referred one was closed as a
    duplicate of it."""
    application = referral.application
    if application is not None and application.status == Status.DUPLICATE and application.duplicate_of_id:
        return application.duplicate_of.reference
    return None

