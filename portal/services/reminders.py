"""Meeting reminders (`flask send-reminders`, from cron): a mentor whose pair has not met for over a month is
emailed, at most once a fortnight. Each reminder is taken by one conditional update of the pair (as `send-mail`
takes an email), so several machines running the command at once send it once."""
from datetime import date, datetime, timedelta

from flask import current_app
from peewee import fn

from .. import mail
from ..db import database
from ..lifecycle import Status
from ..models import Application, Meeting, Pair, User
from . import audit
from .course import is_overdue

REMIND_EVERY = timedelta(days=14)
MENTOR_PAGE = "/mentor/"          # DESIGN §6: a stable URL; cron runs outside a request, where url_for cannot


def remind_mentors(today: date, now: datetime) -> int:
    """Email each mentor whose active pair has not met for over a month (not again within REMIND_EVERY)."""
    last_met = (Meeting.select(fn.MAX(Meeting.held_on)).where(Meeting.pair == Pair.id))
    due = (Pair.select(Pair.id, Pair.started_on, last_met.alias("last_met"))
           .join(Application)
           .where((Application.status == Status.ACTIVE)
                  & (Pair.reminded_at.is_null() | (Pair.reminded_at <= now - REMIND_EVERY)))
           .order_by(Pair.id).dicts())
    sent = 0
    for row in list(due):
        last = row["last_met"]
        if isinstance(last, str):
            last = date.fromisoformat(last)
        if not is_overdue(Status.ACTIVE, last or row["started_on"], today):
            continue
        with database.atomic():
            taken = (Pair.update(reminded_at=now)
                     .where((Pair.id == row["id"])
                            & (Pair.reminded_at.is_null() | (Pair.reminded_at <= now - REMIND_EVERY))).execute())
            if not taken:
                continue                                   # another machine reminded them a moment ago
            pair = Pair.get_by_id(row["id"])
            mentor = User.get_by_id(pair.mentor_id)
            if not (mentor.email and mentor.active):
                continue
            mail.queue(mentor.email, "meeting_reminder", mentor.language, name=mentor.name,
                       mentee=pair.application.full_name, last_met=last, started_on=pair.started_on,
                       mentor_url=current_app.config["BASE_URL"].rstrip("/") + MENTOR_PAGE)
            audit.record(None, "pair.reminded", pair, object_type="pair", actor_role="system", mentor=mentor.id)
            sent += 1
    return sent
