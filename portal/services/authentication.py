"""Accounts: creation, login with throttling counted in the database, logout."""
from datetime import timedelta

from flask import current_app

from .. import mail
from ..clock import now_utc
from ..db import database
from ..models import ROLES, LoginAttempt, Municipality, User, UserMunicipality
from ..passwords import hash_password, verify_password, weakness
from . import audit, throttle
from .registration import absolute_url
from .throttle import Throttled  # noqa: F401  (the views catch users.Throttled)


class UserError(ValueError):
    """A user could not be created as asked."""


PASSWORD_PROBLEMS = {           # for the command line (English, like its other messages)
    "too_short": "Choose a password of at least 12 characters.",
    "too_long": "Choose a password of at most 200 characters.",
    "common": "Choose a less common password: this one is among the passwords tried first when guessing.",
    "email": "Choose a password that does not contain the email address.",
    "name": "Choose a password that is not made of the user's name or email address.",
}


def create_user(email, name, role, password=None, municipalities=(), actor=None) -> User:
    """Create a user (and a caseworker's municipalities) in one transaction."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role == "caseworker" and not municipalities:
        raise UserError("A caseworker needs at least one municipality.")
    problem = password and weakness(password, email, name)
    if problem:
        raise UserError(PASSWORD_PROBLEMS[problem])
    with database.atomic():
        if User.select().where(User.email == email).exists():
            raise UserError(f"A user with the email {email} already exists.")
        user = User.create(email=email, name=name, role=role,
                           password_hash=hash_password(password) if password else None)
        for code in municipalities:
            if not Municipality.get_or_none(Municipality.code == code):
                raise UserError(f"No municipality has the code {code}.")
            UserMunicipality.create(user=user, municipality=code)
        audit.record(actor, "user.created", user, role=role)
    return user


def notify_owner(user: User, step: str, now) -> None:
    """Tell the account's owner, in their language, that sign-in attempts failed repeatedly (no password)."""
    mail.queue(user.email, "account_sign_in_failures", user.language, name=user.name, step=step, at=now,
               reset_url=absolute_url("accounts.reset"))


def authenticate(email: str, password: str, address: str, devices=None, now=None) -> User | None:
    """The active user with this email and password, or None. Raises Throttled (with how long to wait)
    when the attempt comes too early; it is counted before the password is checked.

    `devices`: the known devices of this browser (user id -> device id, from a signed cookie). A known device
    is counted on its own instead of the account and the address, so guesses by others do not keep the
    account's owner out."""
    email = (email or "").strip().lower()
    now = now or now_utc()
    config = current_app.config
    user = User.get_or_none(User.email == email)
    device = (devices or {}).get(user.id) if user else None
    own = f"device:{device}" if device else f"account:{email}"
    keys = {own: config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]}
    if not device:
        keys[f"address:{address}"] = config["LOGIN_FREE_FAILURES_PER_ADDRESS"]
    counted = throttle.count_attempt(keys, now)       # before the check; raises Throttled
    ok = verify_password(user.password_hash if user else None, password or "") and user.active
    with database.atomic():
        LoginAttempt.create(email=email, address=address, succeeded=bool(ok), at=now)
        if ok:
            throttle.succeeded(counted, reset=[own], refund=[key for key in keys if key != own])
            audit.record(user, "user.login", user)
        elif (user and user.active and not device
              and throttle.start_of_episode(own, config["LOGIN_FREE_FAILURES_PER_ACCOUNT"])):
            notify_owner(user, "password", now)
    return user if ok else None


def logout(user: User) -> None:
    """End every copy of this user's session: a replayed cookie no longer matches."""
    with database.atomic():
        User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
        audit.record(user, "user.logout", user)


def set_language(user: User, language: str) -> None:
    """Keep the language a signed-in person chose (?lang=) on their account: their pages and emails follow it."""
    with database.atomic():
        User.update(language=language).where(User.id == user.id).execute()
        user.language = language


def load_session_user(session_id: str) -> User | None:
    """The user a session cookie names, if the account is active and the session not ended."""
    try:
        user_id, version = (int(part) for part in session_id.split("."))
    except (ValueError, AttributeError):
        return None
    return User.get_or_none((User.id == user_id) & (User.session_version == version) & User.active)


def prune_login_attempts(older_than=timedelta(days=30)) -> int:
    return LoginAttempt.delete().where(LoginAttempt.at < now_utc() - older_than).execute()
