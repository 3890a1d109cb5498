"""What a company coordinator sees and does: only their own company's sites, mentors and pairs' progress.

Every read here starts from the coordinator's company, so an id of another company's site or mentor finds
nothing. Of a mentee, a coordinator sees no more than the mentor does, and less: no name or contact, only the
pair's progress (meetings against the expected, milestones, outcome)."""
from dataclasses import dataclass
from datetime import date

from peewee import IntegrityError, fn

from .. import lifecycle, mail
from ..db import database
from ..models import (Application, Company, Meeting, MentorProfile, Milestone, Outcome, Pair, Programme, Site,
                      User)
from . import audit, tokens
from .account_admin import INVITE, LIFETIMES, EmailTaken
from .course import expected_meetings
from .mentors import current_pairs, missing_for_matching
from .registration import absolute_url


def company_of(coordinator: User) -> Company | None:
    return Company.get_or_none((Company.id == coordinator.company_id) & (Company.sign_up_state == "approved"))


def sites(company: Company) -> list[Site]:
    """Every site, retired ones last."""
    return list(Site.select().where(Site.company == company)
                .order_by(Site.retired_at.is_null(False), Site.name, Site.id))


def site(company: Company, site_id) -> Site | None:
    return Site.get_or_none((Site.id == site_id) & (Site.company == company))


def open_sites(company: Company) -> list[Site]:
    return list(Site.select().where((Site.company == company) & Site.retired_at.is_null()).order_by(Site.name))


@dataclass(frozen=True)
class MentorRow:
    user: User
    site: Site | None
    trained_on: date | None
    profile_filled: bool
    mentees: int
    missing: list            # why they cannot be matched yet (mentors.missing_for_matching), empty when they can


def mentors(company: Company) -> list[MentorRow]:
    """The company's mentors (those working at one of its sites), with their training and mentees."""
    rows = []
    for profile in (MentorProfile.select(MentorProfile, User, Site).join(User).switch(MentorProfile).join(Site)
                    .where((Site.company == company) & (User.role == "mentor")).order_by(User.name, User.id)):
        rows.append(MentorRow(profile.user, profile.site, profile.trained_on, profile.work_years is not None,
                              current_pairs(profile.user_id), missing_for_matching(profile.user, profile)))
    return rows


def invite_mentor(coordinator: User, company: Company, email: str, name: str, site_id: int, language: str) -> User:
    """A colleague becomes a mentor at one of the company's sites: an account without a password, and an
    email with a 7-day link to choose one and fill in the profile."""
    email = email.strip().lower()
    chosen = Site.get_or_none((Site.id == site_id) & (Site.company == company) & Site.retired_at.is_null())
    if chosen is None:
        raise ValueError("site")
    try:
        with database.atomic():
            if User.select().where(User.email == email).exists():
                raise EmailTaken()
            mentor = User.create(email=email, name=name, role="mentor", language=language, password_hash=None)
            MentorProfile.create(user=mentor, site=chosen)
            plain = tokens.issue(INVITE, LIFETIMES[INVITE], user=mentor)
            mail.queue(email, "mentor_invitation", language, name=name, coordinator=coordinator.name,
                       company=company.name, site=chosen.name, link=absolute_url("accounts.set_password", token=plain),
                       days=LIFETIMES[INVITE].days, profile_url=absolute_url("mentor.profile"))
            audit.record(coordinator, "user.invited", object_type="user", object_id=str(mentor.id), role="mentor",
                         language=language, company=company.id, site=chosen.id)
    except IntegrityError:
        raise EmailTaken() from None
    return mentor


@dataclass(frozen=True)
class PairProgress:
    """A pair as its company's coordinator sees it: the mentor, never the mentee's name or contact."""
    mentor: str
    site: str
    programme: str
    state: str                   # lifecycle.PairState
    meetings: int
    expected: int
    milestones: list             # codes, in the order reached
    outcome: str | None          # code


def pairs(company: Company, today: date) -> list[PairProgress]:
    """The pairs whose mentor meets at one of the company's sites, newest programme first."""
    found = list(Pair.select(Pair.id, Pair.started_on, Pair.application, Pair.programme, Application.status,
                             User.name, Site.name, Programme)
                 .join(Application).switch(Pair).join(User, on=(Pair.mentor == User.id))
                 .switch(Pair).join(Site).switch(Pair).join(Programme)
                 .where(Site.company == company)
                 .order_by(Programme.start_date.desc(), User.name, Pair.id))
    ids = [p.id for p in found]
    meetings = dict(Meeting.select(Meeting.pair, fn.COUNT(Meeting.id)).where(Meeting.pair.in_(ids))
                    .group_by(Meeting.pair).tuples())
    reached = {}
    for milestone in Milestone.select(Milestone.pair, Milestone.kind).where(Milestone.pair.in_(ids)).order_by(
            Milestone.reached_on):
        reached.setdefault(milestone.pair_id, []).append(milestone.kind)
    outcomes = dict(Outcome.select(Outcome.application, Outcome.kind)
                    .where(Outcome.application.in_([p.application_id for p in found])).tuples())
    return [PairProgress(p.mentor.name, p.site.name, p.programme.name,
                         str(lifecycle.pair_state(p.application.status) or ""), meetings.get(p.id, 0),
                         expected_meetings(p, p.programme, today), reached.get(p.id, []),
                         outcomes.get(p.application_id))
            for p in found]
