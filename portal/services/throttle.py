"""Sign-in throttling: each attempt is counted BEFORE its password or code is checked, as a growing delay.

An attempt first counts itself as a failure against each of its keys (an account, an address, a known
device, an admin's second factor), in one transaction that locks those keys' rows: so concurrent requests,
in any worker or instance, are counted one after the other and never more of them are checked than the
limit lets through. A key's first `free` failures cost nothing; after that the next attempt must wait
LOGIN_DELAY_FIRST, doubling with each further failure up to LOGIN_DELAY_MAX. Nothing ever locks an account
for good, and nothing sleeps: an attempt made too early is refused, with how long to wait.

A success starts an account's (or device's) count over and takes itself back off an address's count. A key
quiet for LOGIN_THROTTLE_RESET_AFTER starts over too."""
from datetime import datetime, timedelta

from flask import current_app

from ..db import database
from ..models import LoginThrottle


class Throttled(Exception):
    """Too many failed attempts: the next one may be made after `wait`."""

    def __init__(self, wait: timedelta):
        super().__init__(f"wait {wait}")
        self.wait = wait


def setting(name: str) -> timedelta:
    """A duration setting: a timedelta, or a number of seconds (as PORTAL_LOGIN_DELAY_FIRST=60 gives)."""
    value = current_app.config[name]
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def delay(failures: int, free: int, first: timedelta, most: timedelta) -> timedelta:
    """How long the attempt after `failures` failures must wait: none for the first `free`, then `first`,
    doubling with each failure, at most `most`."""
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free, 40)           # 2**40 s is far past any cap
    return min(first * 2 ** doublings, most)


def _locked_row(key: str, now: datetime) -> LoginThrottle:
    """This key's row, created if new, locked until the transaction ends (so concurrent attempts queue)."""
    LoginThrottle.insert(key=key, failures=0, notified=False, updated_at=now).on_conflict_ignore().execute()
    # A write takes the row's lock on PostgreSQL (SQLite's write transactions already hold the database's);
    # the select after it reads the row as the attempt before this one left it.
    LoginThrottle.update(failures=LoginThrottle.failures).where(LoginThrottle.key == key).execute()
    row = LoginThrottle.get(LoginThrottle.key == key)
    if row.updated_at < now - setting("LOGIN_THROTTLE_RESET_AFTER"):
        row.failures, row.blocked_until, row.notified = 0, None, False
    return row


def count_attempt(keys: dict[str, int], now: datetime) -> dict[str, tuple]:
    """Count one attempt against each key (key -> its free failures) before it is checked; raise Throttled,
    counting nothing, if any key must still wait. Returns, per key, its wait before and after this attempt
    (for `succeeded` to take the attempt back)."""
    first, most = setting("LOGIN_DELAY_FIRST"), setting("LOGIN_DELAY_MAX")
    with database.atomic():
        rows = {key: _locked_row(key, now) for key in sorted(keys)}     # one order: no deadlock
        waits = [row.blocked_until - now for row in rows.values() if row.blocked_until and row.blocked_until > now]
        if waits:
            raise Throttled(max(waits))                                # rolls back: nothing is counted
        counted = {}
        for key, row in rows.items():
            before = row.blocked_until
            row.failures += 1
            wait = delay(row.failures, keys[key], first, most)
            row.blocked_until = now + wait if wait else None
            row.updated_at = now
            row.save()
            counted[key] = (before, row.blocked_until)
    return counted


def succeeded(counted: dict[str, tuple], reset=(), refund=()) -> None:
    """After a success: the `reset` keys (the account or device) start over; each `refund` key (the address)
    takes this attempt back off its count, and its wait too unless another attempt was counted since.
    `counted`: what count_attempt returned. Call inside the caller's transaction."""
    if reset:
        (LoginThrottle.update(failures=0, blocked_until=None, notified=False)
         .where(LoginThrottle.key.in_(list(reset))).execute())
    for key in refund:
        before, after = counted[key]
        unchanged = LoginThrottle.blocked_until.is_null() if after is None else LoginThrottle.blocked_until == after
        if not (LoginThrottle.update(failures=LoginThrottle.failures - 1, blocked_until=before)
                .where((LoginThrottle.key == key) & (LoginThrottle.failures > 0) & unchanged).execute()):
            (LoginThrottle.update(failures=LoginThrottle.failures - 1)
             .where((LoginThrottle.key == key) & (LoginThrottle.failures > 0)).execute())


def start_of_episode(key: str, free: int) -> bool:
    """True once per throttling episode of this key, the first time its failures reach `free`: the moment to
    tell the account's owner. A conditional write, so concurrent failures tell them once."""
    return bool(LoginThrottle.update(notified=True)
                .where((LoginThrottle.key == key) & (LoginThrottle.failures >= free) & ~LoginThrottle.notified)
                .execute())
