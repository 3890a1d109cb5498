"""The six-month follow-up: when a pair's course ends, the mentee and the mentor are each asked, in their own
language, where the mentee is now. Each answer is a link that needs no sign-in; it works once, and only its
button records (a mail scanner that opens the link records nothing). An answer is a proposed outcome until a
staff member confirms it on the programme page, which records the outcome (services/outcomes.py).

`ask` runs when a course ends (services/cohorts.py); `remind` runs from cron (`flask send-reminders`). Each
email is taken by one conditional update of the pair, so several machines send it once."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from peewee import IntegrityError, fn

from .. import mail
from ..clock import now_utc
from ..db import database
from ..models import OUTCOMES, Application, FollowUpAnswer, OneTimeToken, Pair, Programme, User
from . import audit, tokens
from .outcomes import record_outcome

PURPOSE = "follow_up"
LINK_LIFETIME = timedelta(days=60)
REMIND_AFTER = timedelta(days=7)
ANSWERS = OUTCOMES                 # "none" is "still looking"


class AnswerRefused(ValueError):
    """The link does not work (used, expired, unknown) or the answer is not one of ANSWERS."""


def link_base(token: str) -> str:
    """The start of a person's answer links: each answer adds "/<answer>?lang=<language>" (one token, so the
    email's one-time link is kept apart from the stored body as every other: portal/mail.py)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/follow-up/{token}"


def ask(pair: Pair, now: datetime) -> bool:
    """Email the six-month question to the mentee and the mentor (once per pair); False when already asked."""
    with database.atomic():
        taken = (Pair.update(follow_up_asked_at=now)
                 .where((Pair.id == pair.id) & Pair.follow_up_asked_at.is_null()).execute())
        if not taken:
            return False
        asked = _send(pair, reminder=False)
        audit.record(None, "follow_up.asked", pair, object_type="pair", actor_role="system", asked=asked)
    return True


def remind(now: datetime) -> int:
    """Ask again those pairs where neither answered within REMIND_AFTER (once); returns how many pairs."""
    due = (Pair.select(Pair.id)
           .where(Pair.follow_up_asked_at.is_null(False) & (Pair.follow_up_asked_at <= now - REMIND_AFTER)
                  & Pair.follow_up_reminded_at.is_null()
                  & ~fn.EXISTS(FollowUpAnswer.select(FollowUpAnswer.id).where(FollowUpAnswer.pair == Pair.id)))
           .order_by(Pair.id))
    reminded = 0
    for row in list(due):
        with database.atomic():
            taken = (Pair.update(follow_up_reminded_at=now)
                     .where((Pair.id == row.id) & Pair.follow_up_reminded_at.is_null()).execute())
            if not taken:
                continue
            pair = Pair.get_by_id(row.id)
            if _answers(pair):
                continue                              # answered meanwhile: nothing to remind of
            asked = _send(pair, reminder=True)
            audit.record(None, "follow_up.reminded", pair, object_type="pair", actor_role="system", asked=asked)
            reminded += 1
    return reminded


def _send(pair: Pair, reminder: bool) -> list[str]:
    """The question to each of the two who has an email address and has not answered: who was asked."""
    application = Application.get_by_id(pair.application_id)
    mentor = User.get_by_id(pair.mentor_id)
    answered = _answers(pair)
    asked = []
    if application.email and "mentee" not in answered:
        token = tokens.issue(PURPOSE, LINK_LIFETIME, application=application)
        mail.queue(application.email, "follow_up_question", application.language, link=link_base(token),
                   respondent="mentee", name=application.full_name, mentee=application.full_name,
                   answers=ANSWERS, reminder=reminder, lang=application.language)
        asked.append("mentee")
    if mentor.email and mentor.active and "mentor" not in answered:
        token = tokens.issue(PURPOSE, LINK_LIFETIME, application=application, user=mentor)
        mail.queue(mentor.email, "follow_up_question", mentor.language, link=link_base(token),
                   respondent="mentor", name=mentor.name, mentee=application.full_name, answers=ANSWERS,
                   reminder=reminder, lang=mentor.language)
        asked.append("mentor")
    return asked


def _answers(pair: Pair) -> dict[str, FollowUpAnswer]:
    return {a.respondent: a for a in FollowUpAnswer.select().where(FollowUpAnswer.pair == pair)}


@dataclass(frozen=True)
class Question:
    """What an answer link opens: who is asked about whom."""
    respondent: str
    mentee: str
    pair: Pair


def question(token: str) -> Question | None:
    """The question a working link asks, or None (used, expired, unknown)."""
    found = tokens.find(PURPOSE, token)
    if found is None or found.application_id is None:
        return None
    pair = Pair.get_or_none(Pair.application == found.application_id)
    if pair is None:
        return None
    return Question("mentor" if found.user_id else "mentee", Application.get_by_id(found.application_id).full_name,
                    pair)


def answer(token: str, kind: str) -> FollowUpAnswer:
    """Record one person's answer from their link (which then works no more): a proposed outcome."""
    if kind not in ANSWERS:
        raise AnswerRefused(kind)
    with database.atomic():
        found = tokens.find(PURPOSE, token)
        asked = question(token)
        if found is None or asked is None or not tokens.use(found):
            raise AnswerRefused("link")
        # The person's other links (a reminder's) end with this answer.
        (OneTimeToken.update(used_at=now_utc())
         .where((OneTimeToken.purpose == PURPOSE) & (OneTimeToken.application == found.application_id)
                & (OneTimeToken.user.is_null() if found.user_id is None else (OneTimeToken.user == found.user_id))
                & OneTimeToken.used_at.is_null()).execute())
        # A person answers once per link; an answer through a newer link (there is none after an answer, as the
        # person's links end with it) replaces theirs, as a new proposal for staff.
        changed = (FollowUpAnswer.update(kind=kind, answered_at=now_utc(), confirmed_at=None, confirmed_by=None)
                   .where((FollowUpAnswer.pair == asked.pair) & (FollowUpAnswer.respondent == asked.respondent))
                   .execute())
        if not changed:
            try:
                with database.atomic():
                    FollowUpAnswer.create(pair=asked.pair, respondent=asked.respondent, kind=kind)
            except IntegrityError:
                raise AnswerRefused("answered") from None
        given = FollowUpAnswer.get((FollowUpAnswer.pair == asked.pair)
                                   & (FollowUpAnswer.respondent == asked.respondent))
        audit.record(found.user if found.user_id else None, "follow_up.answered", asked.pair.application,
                     actor_role=None if found.user_id else "applicant", respondent=asked.respondent, kind=kind)
    return given


def confirm(programme: Programme, answer_id, actor, today) -> FollowUpAnswer | None:
    """Staff confirm a proposed answer in one click: it is recorded as the outcome. None when it is not this
    programme's or was confirmed already."""
    given = (FollowUpAnswer.select(FollowUpAnswer, Pair).join(Pair)
             .where((FollowUpAnswer.id == answer_id) & (Pair.programme == programme)).first())
    if given is None:
        return None
    with database.atomic():
        taken = (FollowUpAnswer.update(confirmed_at=now_utc(), confirmed_by=actor)
                 .where((FollowUpAnswer.id == given.id) & FollowUpAnswer.confirmed_at.is_null()).execute())
        if not taken:
            return None
        record_outcome(given.pair, actor, given.kind, None, today)
    return FollowUpAnswer.get_by_id(given.id)


@dataclass(frozen=True)
class PairFollowUp:
    pair: Pair
    asked_at: datetime
    reminded_at: datetime | None
    answers: dict                 # respondent -> FollowUpAnswer
    waiting_for: list             # respondents asked who have not answered


def of_programme(programme: Programme) -> list[PairFollowUp]:
    """Every asked pair of the programme: the answers (proposed or confirmed) and who has not answered."""
    pairs = list(Pair.select(Pair, Application, User).join(Application).switch(Pair).join(User, on=Pair.mentor)
                 .where((Pair.programme == programme) & Pair.follow_up_asked_at.is_null(False))
                 .order_by(Application.full_name, Pair.id))
    answers = {}
    for a in FollowUpAnswer.select().where(FollowUpAnswer.pair.in_([p.id for p in pairs])):
        answers.setdefault(a.pair_id, {})[a.respondent] = a
    rows = []
    for pair in pairs:
        given = answers.get(pair.id, {})
        reachable = [r for r, email in (("mentee", pair.application.email), ("mentor", pair.mentor.email)) if email]
        rows.append(PairFollowUp(pair, pair.follow_up_asked_at, pair.follow_up_reminded_at, given,
                                 [r for r in reachable if r not in given]))
    return rows


def counts(programme: Programme) -> tuple[int, int]:
    """For the report: mentees with an outcome proposed by the follow-up, and of those, how many staff confirmed
    (of the pairs still in the database; services/cohort_figures keeps those of deleted ones)."""
    rows = (FollowUpAnswer.select(FollowUpAnswer.pair, fn.MAX(FollowUpAnswer.confirmed_at))
            .join(Pair).where(Pair.programme == programme).group_by(FollowUpAnswer.pair).tuples())
    answered = confirmed = 0
    for _pair, last_confirmed in rows:
        answered += 1
        confirmed += last_confirmed is not None
    return answered, confirmed


def of_pair(pair: Pair) -> tuple[bool, bool]:
    """Whether the pair's follow-up was answered, and whether staff confirmed an answer."""
    confirmed = [answer.confirmed_at is not None for answer in pair.follow_up_answers]
    return bool(confirmed), any(confirmed)
