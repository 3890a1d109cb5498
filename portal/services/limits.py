"""Limits on the emails anyone can make the portal send to an address nobody has confirmed yet.

Counted per recipient address and per client address, one row per key and hour in `email_count`: an
INSERT ... ON CONFLICT DO UPDATE adds one and the count is read back in the caller's write transaction,
which holds the row (PostgreSQL's row lock; SQLite's write lock, taken at BEGIN) until it commits. So two
requests at once, in two processes or on two machines, cannot both slip under a limit."""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app

from ..clock import now_utc
from ..models import EmailCount

# A person starting an application gets one email per browser, so a family sharing an address stays under
# the first. The second is high enough for a language school's class applying together behind one address
# (over it, an applicant still has the link on the page), and keeps one client from mailing the world.
PER_RECIPIENT_PER_HOUR = 3
PER_CLIENT_PER_HOUR = 60
KEPT_HOURS = 48                 # rows older than this are deleted by `purge` (data_inventory.csv)


def _key(kind: str, value: str) -> str:
    """A keyed hash: the address cannot be read back, nor guessed from a list without the secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{kind}\0{value}".encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    return f"{kind}:{digest}"


def _count_one_more(key: str, hour) -> int:
    (EmailCount.insert(key=key, hour=hour, sent=1)
     .on_conflict(conflict_target=[EmailCount.key, EmailCount.hour], update={EmailCount.sent: EmailCount.sent + 1})
     .execute())
    return EmailCount.select(EmailCount.sent).where((EmailCount.key == key) & (EmailCount.hour == hour)).scalar()


def may_email(recipient: str, client: str | None) -> bool:
    """Count one more email to `recipient` asked for from `client`; False when either is over its limit.

    Call inside the write transaction that queues the email."""
    hour = now_utc().replace(minute=0, second=0, microsecond=0)
    to_recipient = _count_one_more(_key("recipient", recipient.strip().lower()), hour)
    from_client = _count_one_more(_key("client", client or "-"), hour)
    return to_recipient <= PER_RECIPIENT_PER_HOUR and from_client <= PER_CLIENT_PER_HOUR


def old_counts(now):
    """The condition for the counts `purge` deletes."""
    return EmailCount.hour < now - timedelta(hours=KEPT_HOURS)
