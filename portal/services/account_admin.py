"""User accounts managed by admins: invitations, deactivation, and passwords set from emailed links."""
from dataclasses import dataclass
from datetime import timedelta

from peewee import IntegrityError

from .. import mail
from ..clock import now_utc
from ..db import database
from ..models import ROLES, Municipality, OneTimeToken, User, UserMunicipality
from ..passwords import hash_password, weakness
from . import audit, tokens
from .registration import absolute_url

INVITE = "invite"
RESET = "reset"
LIFETIMES = {INVITE: timedelta(days=7), RESET: timedelta(hours=1)}
RESETS_PER_HOUR = 3
LANGUAGES = ("da", "en")


class AccountError(Exception):
    """An account change that cannot be made as asked; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class EmailTaken(AccountError):
    def __init__(self):
        super().__init__("email_taken")


class WeakPassword(AccountError):
    """The new password is refused; `problem` is passwords.weakness's reason."""

    def __init__(self, problem: str):
        super().__init__("weak_password")
        self.problem = problem


class LinkNotValid(AccountError):
    """The link is unknown, expired, used, or its user is deactivated."""

    def __init__(self):
        super().__init__("link_not_valid")


@dataclass(frozen=True)
class UserRow:
    """One line of the admin's user table."""
    user: User
    municipalities: list
    state: str                 # 'password_set', 'invited' or 'invitation_expired'
    invitation_expires: object = None


def _record(actor, action: str, user: User, **details):
    # The plain id: User.get_id() carries the session version, which changes over time.
    return audit.record(actor, action, object_type="user", object_id=str(user.id), **details)


def _retire_links(user: User, purposes=(INVITE, RESET)) -> int:
    """Mark this user's unused links used, so only the newest (or none) works."""
    return (OneTimeToken.update(used_at=now_utc())
            .where((OneTimeToken.user == user.id) & OneTimeToken.purpose.in_(purposes)
                   & OneTimeToken.used_at.is_null()).execute())


def _send_invitation(user: User) -> None:
    plain = tokens.issue(INVITE, LIFETIMES[INVITE], user=user)
    mail.queue(user.email, "account_invitation", user.language, name=user.name,
               link=absolute_url("accounts.set_password", token=plain), days=LIFETIMES[INVITE].days,
               login_url=absolute_url("auth.login"))


def invite(email: str, name: str, role: str, language: str, municipalities, actor: User) -> User:
    """Create a user without a password and email them a 7-day link to set one, in one transaction."""
    email = email.strip().lower()
    codes = sorted(set(municipalities or ())) if role == "caseworker" else []
    if role not in ROLES or language not in LANGUAGES:
        raise AccountError("invalid_choice")
    if role == "caseworker" and not codes:
        raise AccountError("municipality_required")
    if codes and Municipality.select().where(Municipality.code.in_(codes)).count() != len(codes):
        raise AccountError("invalid_choice")
    try:
        with database.atomic():
            if User.select().where(User.email == email).exists():
                raise EmailTaken()
            user = User.create(email=email, name=name, role=role, language=language, password_hash=None)
            for code in codes:
                UserMunicipality.create(user=user, municipality=code)
            _send_invitation(user)
            _record(actor, "user.invited", user, role=role, language=language, municipalities=codes)
    except IntegrityError:
        raise EmailTaken() from None           # another admin invited the same address at the same time
    return user


def resend_invitation(user: User, actor: User) -> None:
    """A new invitation link; the earlier unused ones stop working."""
    with database.atomic():
        fresh = User.get_by_id(user.id)
        if fresh.password_hash is not None:
            raise AccountError("password_already_set")
        if not fresh.active:
            raise AccountError("inactive")
        retired = _retire_links(fresh, (INVITE,))
        _send_invitation(fresh)
        _record(actor, "user.invitation_resent", fresh, retired_links=retired)


def deactivate(user: User, actor: User) -> None:
    """Stop a user: their sessions end at their next request and their open links stop working."""
    if user.id == actor.id:
        raise AccountError("self")
    with database.atomic():
        changed = (User.update(active=False, session_version=User.session_version + 1)
                   .where((User.id == user.id) & User.active).execute())
        if not changed:
            return                              # already deactivated (double click, two admins)
        _retire_links(user)
        _record(actor, "user.deactivated", user)


def reactivate(user: User, actor: User) -> None:
    """Let a deactivated user sign in again (with their old password, if they had one)."""
    with database.atomic():
        changed = User.update(active=True).where((User.id == user.id) & ~User.active).execute()
        if changed:
            _record(actor, "user.reactivated", user)


def link_user(plain: str) -> tuple[OneTimeToken, User] | None:
    """The valid invitation or reset link for this secret and its active user, or None."""
    token = tokens.find(INVITE, plain) or tokens.find(RESET, plain)
    if token is None or token.user_id is None:
        return None
    user = User.get_or_none((User.id == token.user_id) & User.active)
    return (token, user) if user else None


def set_password(plain: str, password: str) -> User:
    """Use the link once: store the Argon2 hash and end every existing session of the user."""
    found = link_user(plain)
    if found is None:
        raise LinkNotValid()
    token, user = found
    problem = weakness(password, user.email, user.name)
    if problem:
        raise WeakPassword(problem)
    password_hash = hash_password(password)     # slow: outside the transaction
    with database.atomic():
        if not tokens.use(token):
            raise LinkNotValid()                # used in another tab a moment ago
        changed = (User.update(password_hash=password_hash, session_version=User.session_version + 1)
                   .where((User.id == user.id) & User.active).execute())
        if not changed:
            raise LinkNotValid()
        _retire_links(user)
        _record(user, "user.password_set", user, via=token.purpose)
    return User.get_by_id(user.id)


def request_reset(email: str) -> bool:
    """Email a 1-hour reset link to an active user, at most 3 an hour; True if one was queued.

    The caller shows the same answer either way, so the page does not tell who has an account."""
    email = (email or "").strip().lower()
    with database.atomic():
        user = User.get_or_none((User.email == email) & User.active)
        if user is None:
            return False
        recent = (OneTimeToken.select()
                  .where((OneTimeToken.user == user.id) & (OneTimeToken.purpose == RESET)
                         & (OneTimeToken.created_at > now_utc() - timedelta(hours=1))).count())
        limited = recent >= RESETS_PER_HOUR
        if not limited:
            plain = tokens.issue(RESET, LIFETIMES[RESET], user=user)
            mail.queue(user.email, "account_password_reset", user.language, name=user.name,
                       link=absolute_url("accounts.set_password", token=plain),
                       minutes=int(LIFETIMES[RESET].total_seconds() // 60),
                       reset_url=absolute_url("accounts.reset"))
        _record(None, "user.password_reset_requested", user, actor_role="anonymous", sent=not limited)
    return not limited


USERS_PAGE_SIZE = 50                     # users on a page of the admin's table


@dataclass
class UserPage:
    """One page of the admin's user table, and where it stands among the users who match."""
    rows: list
    page: int
    pages: int
    total: int                         # users who match the search and role


def overview(search: str = "", role: str = "", page: int = 1) -> UserPage:
    """The users whose name or email holds `search` and who have `role` (each if given), by name, one page
    of them with their municipalities and invitation state. A page past the last shows the last."""
    candidates = User.select(User.id, User.name, User.email).order_by(User.name, User.id)
    if role:
        candidates = candidates.where(User.role == role)
    # Matched here rather than by LIKE, which SQLite folds for ASCII letters only: "øster" must find
    # "Østergaard". The association's users are hundreds, a few thousand at most.
    needle = search.casefold()
    ids = [user_id for user_id, name, email in candidates.tuples()
           if needle in name.casefold() or needle in email.casefold()]
    total = len(ids)
    pages = max(1, -(-total // USERS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    ids = ids[(page - 1) * USERS_PAGE_SIZE:page * USERS_PAGE_SIZE]
    by_id = {user.id: user for user in User.select().where(User.id.in_(ids))}
    users = [by_id[user_id] for user_id in ids if user_id in by_id]
    names = {}
    for link in (UserMunicipality.select(UserMunicipality, Municipality).join(Municipality)
                 .where(UserMunicipality.user.in_(ids)).order_by(Municipality.name)):
        names.setdefault(link.user_id, []).append(link.municipality)
    expires = {}
    for token in (OneTimeToken.select(OneTimeToken.user, OneTimeToken.expires_at)
                  .where((OneTimeToken.purpose == INVITE) & OneTimeToken.used_at.is_null()
                         & (OneTimeToken.expires_at > now_utc()) & OneTimeToken.user.in_(ids))):
        expires[token.user_id] = max(expires.get(token.user_id, token.expires_at), token.expires_at)
    rows = []
    for user in users:
        if user.password_hash:
            state = "password_set"
        else:
            state = "invited" if user.id in expires else "invitation_expired"
        rows.append(UserRow(user, names.get(user.id, []), state, expires.get(user.id)))
    return UserPage(rows, page, pages, total)


def municipalities():
    """The 98 municipalities by name, for the caseworker choice."""
    return list(Municipality.by_name())
