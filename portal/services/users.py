"""Accounts: creation, login with throttling counted in the database, logout."""
from datetime import timedelta

from flask import current_app

from ..clock import now_utc
from ..db import database
from ..models import ROLES, LoginAttempt, Municipality, User, UserMunicipality
from ..passwords import hash_password, verify_password
from . import audit


class Throttled(Exception):
    """Too many failed logins for this account or address."""


class UserError(ValueError):
    """A user could not be created as asked."""


def create_user(email, name, role, password=None, municipalities=(), actor=None) -> User:
    """Create a user (and a caseworker's municipalities) in one transaction."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role == "caseworker" and not municipalities:
        raise UserError("A caseworker needs at least one municipality.")
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


def _recent_failures(**where) -> int:
    window = current_app.config["LOGIN_THROTTLE_WINDOW"]
    query = LoginAttempt.select().where((LoginAttempt.at > now_utc() - window) & ~LoginAttempt.succeeded)
    for field, value in where.items():
        query = query.where(getattr(LoginAttempt, field) == value)
    return query.count()


def authenticate(email: str, password: str, address: str) -> User | None:
    """The active user with this email and password, or None; refuses while throttled."""
    email = (email or "").strip().lower()
    config = current_app.config
    if (_recent_failures(email=email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(address=address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        raise Throttled()
    user = User.get_or_none(User.email == email)
    ok = verify_password(user.password_hash if user else None, password or "") and user.active
    with database.atomic():
        LoginAttempt.create(email=email, address=address, succeeded=bool(ok))
        if ok:
            audit.record(user, "user.login", user)
    return user if ok else None


def logout(user: User) -> None:
    """End every copy of this user's session: a replayed cookie no longer matches."""
    with database.atomic():
        User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
        audit.record(user, "user.logout", user)


def load_session_user(session_id: str) -> User | None:
    """The user a session cookie names, if the account is active and the session not ended."""
    try:
        user_id, version = (int(part) for part in session_id.split("."))
    except (ValueError, AttributeError):
        return None
    return User.one(id=user_id, session_version=version, active=True)


def prune_login_attempts(older_than=timedelta(days=30)) -> int:
    return LoginAttempt.delete().where(LoginAttempt.at < now_utc() - older_than).execute()
