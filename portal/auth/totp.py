"""The admins' second factor: a time-based one-time code (TOTP, RFC 6238) after the password.

A code works once (the last used time step is kept), each attempt is counted before it is checked with the
same growing delay as passwords (services/throttle.py), and the session remembers a passed check only for
this user's current session version."""
from datetime import datetime, timezone

import pyotp
import segno
from flask import current_app, session
from markupsafe import Markup

from ..clock import now_utc
from ..db import database
from ..models import LoginAttempt, User
from ..services import audit, throttle
from ..services.throttle import Throttled  # noqa: F401  (the views catch totp.Throttled)
from ..services.authentication import notify_owner

SESSION_FLAG = "second_factor"
ISSUER = "Mentorbro"
ROLES_WITH_SECOND_FACTOR = frozenset({"admin"})


def required_for(user) -> bool:
    return user.role in ROLES_WITH_SECOND_FACTOR


def passed(user) -> bool:
    """Whether this session has passed the second factor for this user and session version."""
    return session.get(SESSION_FLAG) == user.get_id()


def mark_passed(user) -> None:
    session[SESSION_FLAG] = user.get_id()


def enrolled(user) -> bool:
    """A secret the user has confirmed with a code (or was given pre-enrolled)."""
    return bool(user.totp_secret) and user.totp_last_step is not None


def secret_for_enrolment(user) -> str:
    """The secret to show while enrolling: created on first use and kept until it is confirmed."""
    if not user.totp_secret:
        secret = pyotp.random_base32()
        User.update(totp_secret=secret, totp_last_step=None).where(
            (User.id == user.id) & User.totp_secret.is_null()).execute()
        user.totp_secret = User.get_by_id(user.id).totp_secret
    return user.totp_secret


def provisioning_uri(user) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(uri: str, label: str) -> Markup:
    """The setup link as a QR code for the authenticator app to scan: an inline SVG (black on white, 4 px a
    module) with no script and no style attribute, so the strict CSP lets it be; `role="img"` and its
    <title> (the label, escaped by segno) name it for screen readers."""
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=label, svgclass="totp-qr")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # nosec B704 - segno's SVG, the label escaped


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side for clock drift) whose code this is."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(datetime.now(timezone.utc))
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def verify(user, code: str, address: str, device: str | None = None, now=None) -> bool:
    """Check a code; True at most once per time step. Raises Throttled (with how long to wait) when the
    attempt comes too early: it is counted before the code is checked, per account (or per known device)."""
    now = now or now_utc()
    free = current_app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    key = f"totp-device:{device}" if device else f"totp:{user.id}"
    counted = throttle.count_attempt({key: free}, now)
    code = "".join((code or "").split())
    step = _matching_step(user.totp_secret, code) if user.totp_secret and code.isdigit() and len(code) == 6 else None
    with database.atomic():
        ok = step is not None and bool(
            User.update(totp_last_step=step)
            .where((User.id == user.id) & (User.totp_last_step.is_null() | (User.totp_last_step < step)))
            .execute())
        LoginAttempt.create(email=f"totp:{user.id}", address=address, succeeded=ok, at=now)
        audit.record(user, "user.second_factor" if ok else "user.second_factor_failed", user)
        if ok:
            throttle.succeeded(counted, reset=[key])
        elif not device and throttle.start_of_episode(key, free):
            notify_owner(user, "code", now)
    if ok:
        user.totp_last_step = step
    return ok
