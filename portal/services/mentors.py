"""Companies, their sites, and mentors' profiles: all writes, each in one transaction with its audit row."""
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, IntegrityError, fn

from ..clock import now_utc
from ..db import database
from .. import lifecycle
from ..models import (MIN_MENTOR_WORK_YEARS, Application, Company, MentorProfile, Pair, Site, SiteCatchment,
                      User)
from .. import places
from . import audit, sites


class MentorRuleError(ValueError):
    """A mentor profile breaks a programme rule; `code` names it for the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class NameTaken(ValueError):
    """Another company already has this name."""


@dataclass(frozen=True)
class MentorRow:
    user: User
    profile: MentorProfile | None
    current_pairs: int

    @property
    def trained(self) -> bool:
        return bool(self.profile and self.profile.trained_on)

    @property
    def missing(self) -> list[str]:
        """Why the mentor cannot be matched now (empty: they can)."""
        return missing_for_matching(self.user, self.profile)


# ---------------------------------------------------------------- companies and sites

def companies():
    """The approved companies (a sign-up waiting for staff, or declined, lends no mentors)."""
    return list(Company.approved())


def create_company(name: str, actor) -> Company:
    """A new company that lends mentors."""
    with database.atomic():
        if Company.select().where(fn.LOWER(Company.name) == name.lower()).exists():
            raise NameTaken(name)
        try:
            company = Company.create(name=name)
        except IntegrityError:
            raise NameTaken(name) from None
        audit.record(actor, "company.created", company, name=name)
    return company


def add_site(company: Company, actor, name: str, address: str, postcode: str, town: str) -> Site:
    """A new site of a company, in the municipality of its postcode (its first catchment; the rest is set per
    programme under /admin/programmes/…/rules)."""
    codes = places.municipalities_for(postcode)
    return sites.create(company, sites.SiteDetails(name, address, postcode, town, codes[0] if codes else None), actor)


def sites_of(company: Company):
    return list(Site.select().where(Site.company == company).order_by(Site.name))


def all_sites(include=()):
    """The sites new programmes and mentors may use (approved companies, not retired), and those in `include`
    (a programme's own sites, which it keeps when one is retired)."""
    usable = (Company.sign_up_state == "approved") & Site.retired_at.is_null()
    if include:
        usable |= Site.id.in_(sorted(include))
    return list(Site.select(Site, Company).join(Company).where(usable).order_by(Company.name, Site.name))


def catchment_of(site_id) -> frozenset[str]:
    return frozenset(row.municipality_id for row in SiteCatchment.select().where(SiteCatchment.site == site_id))


# ---------------------------------------------------------------- mentors

def complete(profile: MentorProfile | None) -> bool:
    """The profile part of being matchable: work experience filled in (five years or more) and the training
    recorded. The database refuses `matchable` on a profile that is not (migration 0018)."""
    return bool(profile and profile.work_years is not None and profile.work_years >= MIN_MENTOR_WORK_YEARS
                and profile.trained_on is not None)


def missing_for_matching(user, profile: MentorProfile | None, today: date | None = None) -> list[str]:
    """What stops a mentor being matched (DESIGN §1, issue 19 promise 5), as codes, in a fixed order:
    "profile" (no profile, or its work experience not filled in), "training" (not recorded, or on a later
    date than `today`), "inactive" (the account is deactivated), "no_password" (the invitation not taken up)."""
    missing = []
    if profile is None or profile.work_years is None or profile.work_years < MIN_MENTOR_WORK_YEARS:
        missing.append("profile")
    if profile is None or profile.trained_on is None or (today is not None and profile.trained_on > today):
        missing.append("training")
    if not user.active:
        missing.append("inactive")
    if not user.password_hash:
        missing.append("no_password")
    return missing


def matchable_profiles():
    """Profiles that may be matched: marked matchable (checked by the database) and with an active mentor
    account that has a password. Join further, and add the training date's check, as the caller needs."""
    return (MentorProfile.select(MentorProfile, User).join(User)
            .where(MentorProfile.matchable & User.active & (User.role == "mentor")
                   & User.password_hash.is_null(False)))


def current_pairs(user) -> int:
    """Mentees the mentor has now (matched or in the course); finished pairs free the place again."""
    return (Pair.select().join(Application)
            .where((Pair.mentor == user) & Application.status.in_(lifecycle.MEETING)).count())


def mentors() -> list[MentorRow]:
    """Every mentor account with its profile (if any) and current mentees."""
    profiles = {p.user_id: p for p in MentorProfile.select(MentorProfile, Site).join(Site, JOIN.LEFT_OUTER)}
    counts = dict(Pair.select(Pair.mentor, fn.COUNT(Pair.id)).join(Application)
                  .where(Application.status.in_(lifecycle.MEETING)).group_by(Pair.mentor).tuples())
    return [MentorRow(user, profiles.get(user.id), counts.get(user.id, 0))
            for user in User.select().where(User.role == "mentor").order_by(User.name)]


def mentor(user_id) -> User | None:
    return User.get_or_none((User.id == user_id) & (User.role == "mentor"))


def profile_for(user) -> MentorProfile:
    """The mentor's profile, or an unsaved empty one."""
    return MentorProfile.of(user) or MentorProfile(user=user)


def save_profile(user, work_years: int, leadership: bool, fields: list[str], languages: list[str],
                 capacity: int) -> MentorProfile:
    """The mentor's own answers; fewer than five years of work experience is refused."""
    if work_years is None or work_years < MIN_MENTOR_WORK_YEARS:
        raise MentorRuleError("too_little_experience")
    if not 1 <= capacity <= 5:
        raise MentorRuleError("capacity")
    with database.atomic():
        profile = profile_for(user)
        profile.work_years, profile.leadership, profile.capacity = work_years, leadership, capacity
        profile.fields = [f for f in fields if f]
        profile.languages = list(dict.fromkeys(languages))
        profile.matchable = complete(profile)
        profile.updated_at = now_utc()
        profile.save()
        audit.record(user, "mentor.profile_saved", user, object_type="mentor", work_years=work_years,
                     leadership=leadership, capacity=capacity)
    return profile


def set_training(user, trained_on: date | None, actor) -> MentorProfile:
    """Staff record (or clear) the date the mentor completed the association's mentor training."""
    with database.atomic():
        profile = profile_for(user)
        profile.trained_on = trained_on
        profile.matchable = complete(profile)
        profile.updated_at = now_utc()
        profile.save()
        audit.record(actor, "mentor.training_recorded", user, object_type="mentor",
                     trained_on=trained_on.isoformat() if trained_on else None)
    return profile


def set_site(user, site: Site | None, actor) -> MentorProfile:
    """An admin places the mentor at a company site (the company follows from it)."""
    with database.atomic():
        profile = profile_for(user)
        profile.site = site
        profile.updated_at = now_utc()
        profile.save()
        audit.record(actor, "mentor.site_set", user, object_type="mentor", site=site.id if site else None)
    return profile
