"""A mentor company signs up on /companies; the association's staff approve or decline it. An approved
company's contact person gets an account as its company coordinator, by an emailed invitation."""
from dataclasses import dataclass

from peewee import IntegrityError, fn

from .. import cvr, mail
from ..clock import now_utc
from ..db import database
from ..lifecycle import Role
from ..models import Company, Site, User
from . import audit, limits, sites, tokens
from .account_admin import INVITE, LIFETIMES
from .registration import absolute_url


class SignUpRefused(ValueError):
    """Nothing was saved; `field` and `code` say why, for the form."""

    def __init__(self, field: str, code: str):
        super().__init__(code)
        self.field, self.code = field, code


class DecisionRefused(ValueError):
    """The sign-up was not decided as asked: "decided" (someone got there first) or "email_taken"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SignUp:
    company: str
    cvr: str
    contact_name: str
    contact_email: str
    contact_phone: str
    expected_mentors: int
    language: str
    sites: tuple                      # sites.SiteDetails


def sign_up(details: SignUp, client: str | None = None) -> Company:
    """A new company waiting for staff, with its sites; the contact person is told it arrived (within the limits
    on emails to addresses nobody has confirmed: services/limits.py)."""
    number = cvr.normalise(details.cvr)
    if not cvr.valid(number):
        raise SignUpRefused("cvr", "cvr_invalid")
    try:
        with database.atomic():
            if Company.select().where(Company.cvr == number).exists():
                raise SignUpRefused("cvr", "cvr_taken")
            if Company.select().where(fn.LOWER(Company.name) == details.company.lower()).exists():
                raise SignUpRefused("company", "name_taken")
            company = Company.create(name=details.company, cvr=number, sign_up_state="pending",
                                     contact_name=details.contact_name, contact_email=details.contact_email.lower(),
                                     contact_phone=details.contact_phone or None,
                                     contact_language=details.language,
                                     expected_mentors=details.expected_mentors, signed_up_at=now_utc())
            for site in details.sites:
                sites.create(company, site)
            audit.record(None, "company.signed_up", company, actor_role="anonymous", sites=len(details.sites),
                         expected_mentors=details.expected_mentors)
            if limits.may_email(company.contact_email, client):
                mail.queue(company.contact_email, "company_signed_up", details.language, name=company.contact_name,
                           company=company.name)
    except IntegrityError:
        raise SignUpRefused("cvr", "cvr_taken") from None       # the same company sent twice at once
    return company


def pending() -> list[Company]:
    return list(Company.select().where(Company.sign_up_state == "pending").order_by(Company.signed_up_at, Company.id))


def signed_up() -> list[Company]:
    """Every company that signed up itself, newest first (the pending ones are also in `pending`)."""
    return list(Company.select().where(Company.signed_up_at.is_null(False))
                .order_by(Company.signed_up_at.desc(), Company.id.desc()))


def sites_of(company: Company) -> list[Site]:
    return list(Site.select().where(Site.company == company).order_by(Site.name))


def approve(company: Company, actor, message: str) -> User:
    """Approve the sign-up: the contact person becomes its coordinator and is emailed a link to choose a
    password, with the staff member's message."""
    email, language = (company.contact_email or "").lower(), company.contact_language
    try:
        with database.atomic():
            _decide(company, "approved", message)
            if User.select().where(User.email == email).exists():
                raise DecisionRefused("email_taken")
            coordinator = User.create(email=email, name=company.contact_name, role=Role.COORDINATOR,
                                      language=language, company=company, password_hash=None)
            plain = tokens.issue(INVITE, LIFETIMES[INVITE], user=coordinator)
            mail.queue(email, "company_approved", language, name=coordinator.name, company=company.name,
                       message=message, link=absolute_url("accounts.set_password", token=plain),
                       days=LIFETIMES[INVITE].days, login_url=absolute_url("auth.login"))
            audit.record(actor, "company.approved", company, coordinator=coordinator.id)
    except IntegrityError:
        raise DecisionRefused("email_taken") from None
    return coordinator


def decline(company: Company, actor, message: str) -> None:
    """Decline the sign-up, telling the contact person why."""
    with database.atomic():
        _decide(company, "declined", message)
        mail.queue(company.contact_email, "company_declined", company.contact_language, name=company.contact_name,
                   company=company.name, message=message)
        audit.record(actor, "company.declined", company)


def _decide(company: Company, state: str, message: str) -> None:
    changed = (Company.update(sign_up_state=state, decided_at=now_utc(), decision_message=message)
               .where((Company.id == company.id) & (Company.sign_up_state == "pending")).execute())
    if not changed:
        raise DecisionRefused("decided")
