"""Matching mentees with mentors in a programme: the suggestion (portal/matching.py decides, this reads
the facts it needs), accepting and rejecting a pair."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from .. import lifecycle, mail, matching
from ..clock import now_utc
from ..lifecycle import Status
from ..db import database
from ..models import (Application, Company, MatchRejection, MentorProfile, Pair, Programme, ProgrammeSite, Site,
                      User)
from . import audit, mentors as mentor_service
from .registration import absolute_url
from .cohorts import MatchError, free_places, move, one_at_a_time


def mentee_facts(application: Application) -> matching.Mentee:
    """What matching may use of an application: never the residence basis."""
    answers = application.answers or {}
    education = (answers.get("education") or {}).get("entries") or []
    work = (answers.get("work") or {}).get("entries") or []
    goals = answers.get("goals") or {}
    languages_step = answers.get("languages") or {}
    wished = goals.get("wished_fields") or ""
    if isinstance(wished, list):
        wished = ", ".join(wished)
    text = " ".join([*(e.get("field") or "" for e in education),
                     *(f"{w.get('role') or ''} {w.get('sector') or ''}" for w in work), wished])
    languages = set()
    if languages_step.get("danish_level") in matching.SPOKEN_LEVELS:
        languages.add("da")
    if languages_step.get("english_level") in matching.SPOKEN_LEVELS:
        languages.add("en")
    for other in (languages_step.get("other_languages") or "").replace(" and ", ",").replace(" og ", ",").split(","):
        if other.strip():
            languages.add(matching.language_key(other))
    return matching.Mentee(application.id, application.municipality_id, matching.terms(text), frozenset(languages),
                           matching.aims_for_leadership(goals.get("goals") or [], wished))


def mentor_facts(profile: MentorProfile, catchment: frozenset, free: int) -> matching.Mentor:
    return matching.Mentor(profile.user_id, catchment, tuple(profile.fields or ()),
                           frozenset(matching.language_key(x) for x in profile.languages or ()),
                           bool(profile.leadership), free)


def waiting_mentees(programme: Programme) -> list[Application]:
    """Approved for this programme and without a mentor."""
    return list(Application.select().where((Application.programme == programme) & (Application.status == Status.APPROVED))
                .order_by(Application.decided_at, Application.id))


def available_mentors(programme: Programme, today: date) -> list[tuple[MentorProfile, int]]:
    """Complete mentors (filled profile, training done by `today`, an active account with a password) at the
    programme's sites with a free place: (profile, free places)."""
    site_ids = [ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme)]
    profiles = (mentor_service.matchable_profiles().select_extend(Site, Company).switch(MentorProfile).join(Site)
                .join(Company).where(MentorProfile.site.in_(site_ids) & (MentorProfile.trained_on <= today))
                .order_by(User.name, User.id))
    result = []
    for profile in profiles:
        free = profile.capacity - mentor_service.current_pairs(profile.user_id)
        if free > 0:
            result.append((profile, free))
    return result


@dataclass
class MatchRow:
    application: Application
    suggested: MentorProfile | None
    fit: matching.Fit | None
    options: list = field(default_factory=list)      # [(profile, fit)] best first, every mentor who fits
    rejected: list = field(default_factory=list)     # mentors staff rejected for this mentee (User), to undo


@dataclass
class Matching:
    rows: list
    mentors: list
    free_places: int
    unplaced_mentees: int


def suggestion(programme: Programme, today: date) -> Matching:
    """The optimal suggestion for the whole cohort, with every possible mentor per mentee for changes."""
    mentees = waiting_mentees(programme)
    available = available_mentors(programme, today)
    catchments = {}
    facts = []
    for profile, free in available:
        if profile.site_id not in catchments:
            catchments[profile.site_id] = mentor_service.catchment_of(profile.site_id)
        facts.append(mentor_facts(profile, catchments[profile.site_id], free))
    mentee_facts_list = [mentee_facts(a) for a in mentees]
    rejections = list(MatchRejection.select(MatchRejection, User).join(User, on=(MatchRejection.mentor == User.id))
                      .where(MatchRejection.application.in_([a.id for a in mentees])).order_by(User.name))
    rejected = {(r.application_id, r.mentor_id) for r in rejections}
    places = free_places(programme)
    suggested = {s.mentee_id: s for s in matching.suggest(mentee_facts_list, facts, limit=places,
                                                         exclude=frozenset(rejected))}
    by_user = {profile.user_id: profile for profile, _ in available}
    rows = []
    for application, me in zip(mentees, mentee_facts_list):
        options = [(by_user[mr.id], f) for mr in facts if (f := matching.fit(me, mr)) is not None]
        options.sort(key=lambda o: (-o[1].score, o[0].user.name))
        s = suggested.get(application.id)
        rows.append(MatchRow(application, by_user[s.mentor_id] if s else None, s.fit if s else None, options,
                             [r.mentor for r in rejections if r.application_id == application.id]))
    rows.sort(key=lambda r: (r.suggested is None, -(r.fit.score if r.fit else 0), r.application.full_name or ""))
    return Matching(rows, available, places, sum(1 for r in rows if not r.options))


def first_meeting(programme: Programme, today: date) -> date:
    """A first-meeting suggestion: the programme's start, or a week from now if that has passed."""
    return max(programme.start_date, today + timedelta(days=7))


def accept(programme: Programme, application: Application, mentor: User, actor, today: date) -> Pair:
    """Make the pair (staff only): the application becomes matched, both are emailed, all audited."""
    profile = _complete_mentor(mentor, today)
    if application.programme_id != programme.id or application.status != Status.APPROVED:
        raise MatchError("status_changed")
    site_ids = {ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme)}
    if profile.site_id not in site_ids:
        raise MatchError("not_at_site")
    fit = matching.fit(mentee_facts(application), mentor_facts(profile, mentor_service.catchment_of(profile.site_id), 1))
    if fit is None:
        raise MatchError("outside_catchment")
    with database.atomic():
        one_at_a_time(programme, mentor)
        _complete_mentor(User.get_by_id(mentor.id), today)         # as the mentor is now, not as read above
        if mentor_service.current_pairs(mentor) >= profile.capacity:
            raise MatchError("mentor_full")
        if free_places(programme) <= 0:
            raise MatchError("programme_full")
        move(application, "match", actor, programme=programme.id, mentor=mentor.id)
        pair = Pair.create(programme=programme, application=application, mentor=mentor, site=profile.site_id,
                           accepted_by=actor, reasons=[[str(code), list(params)] for code, params in fit.reasons])
        audit.record(actor, "pair.accepted", pair, object_type="pair", application=application.public_id,
                     mentor=mentor.id, score=fit.score)
        site = Site.get_by_id(profile.site_id)
        when = first_meeting(programme, today)
        if application.email:
            mail.queue(application.email, "match_mentee", application.language, name=application.full_name,
                       mentor=mentor.name, company=site.company.name, site=site, meeting_on=when,
                       programme=programme.name)
        if mentor.email and mentor.active:
            mail.queue(mentor.email, "match_mentor", mentor.language, name=mentor.name,
                       mentee=application.full_name, site=site, meeting_on=when, programme=programme.name,
                       mentor_url=absolute_url("mentor.index"), contact=contact_for_mentor(application))
    return pair


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None
    phone: str | None


def contact_for_mentor(application: Application) -> Contact | None:
    """The mentee's name, email and phone for their mentor, when the mentee agreed to give them (the consent
    text said so, or they agreed on the status page); else None."""
    if not application.shares_contact_with_mentor():
        return None
    return Contact(application.full_name or "", application.email, application.phone)


def share_contact(application: Application) -> bool:
    """The mentee agrees on the status page that their mentor gets their contact details (an application under
    a consent text that did not say so); the mentor is emailed them. False when there was nothing to do."""
    with database.atomic():
        changed = (Application.update(contact_shared_at=now_utc())
                   .where((Application.id == application.id) & Application.contact_shared_at.is_null()
                          & Application.status.in_(lifecycle.MEETING)).execute())
        if not changed:
            return False
        after = Application.get_by_id(application.id)
        audit.record(None, "application.contact_shared", after, actor_role="applicant")
        pair = Pair.get_or_none(Pair.application == after)
        mentor = User.get_by_id(pair.mentor_id) if pair else None
        if mentor is not None and mentor.email and mentor.active:
            mail.queue(mentor.email, "mentee_contact", mentor.language, name=mentor.name,
                       contact=contact_for_mentor(after), mentor_url=absolute_url("mentor.index"))
    return True


def _complete_mentor(mentor: User, today: date) -> MentorProfile:
    """The mentor's profile when they may be matched (issue 19, promise 5); else MatchError says why."""
    profile = MentorProfile.of(mentor)
    missing = mentor_service.missing_for_matching(mentor, profile, today)
    if missing:
        raise MatchError("not_trained" if missing == ["training"] else f"mentor_{missing[0]}")
    if not profile.matchable:         # complete, yet not marked: written around the services
        raise MatchError("mentor_profile")
    return profile


def reject(programme: Programme, application: Application, mentor: User, actor) -> None:
    """Not this mentor for this mentee: the suggestion then looks for another."""
    with database.atomic():
        MatchRejection.get_or_create(application=application, mentor=mentor, defaults={"rejected_by": actor})
        audit.record(actor, "pair.rejected", application, mentor=mentor.id, programme=programme.id)


def undo_rejection(programme: Programme, application: Application, mentor: User, actor) -> bool:
    """Staff take back a rejection: the mentor may be suggested for the mentee again. False if there was none."""
    with database.atomic():
        removed = (MatchRejection.delete()
                   .where((MatchRejection.application == application) & (MatchRejection.mentor == mentor)).execute())
        if removed:
            audit.record(actor, "pair.rejection_undone", application, mentor=mentor.id, programme=programme.id)
    return bool(removed)
