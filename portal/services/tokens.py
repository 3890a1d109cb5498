"""One-time links: a random secret is given to the person; only its SHA-256 is kept."""
import hashlib
import secrets
from datetime import timedelta

from ..clock import now_utc
from ..models import OneTimeToken


def _hash(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def issue(purpose: str, lifetime: timedelta, application=None, user=None) -> str:
    """Create a link secret (256 bits); call inside the transaction of the change it belongs to."""
    plain = secrets.token_urlsafe(32)
    OneTimeToken.create(purpose=purpose, token_hash=_hash(plain), application=application, user=user,
                        expires_at=now_utc() + lifetime)
    return plain


def find(purpose: str, plain: str) -> OneTimeToken | None:
    """The unexpired, unused token for this secret, or None."""
    if not plain or len(plain) > 100:
        return None
    return OneTimeToken.get_or_none((OneTimeToken.token_hash == _hash(plain)) & (OneTimeToken.purpose == purpose)
                                    & (OneTimeToken.expires_at > now_utc()) & OneTimeToken.used_at.is_null())


def use(token: OneTimeToken) -> bool:
    """Mark a single-use token used; False if someone else used it first."""
    return bool(OneTimeToken.update(used_at=now_utc())
                .where((OneTimeToken.id == token.id) & OneTimeToken.used_at.is_null()).execute())


def revoke(purpose: str, application) -> int:
    """End every unused link of this purpose to the application; call inside the change's transaction."""
    return (OneTimeToken.update(used_at=now_utc())
            .where((OneTimeToken.application == application) & (OneTimeToken.purpose == purpose)
                   & OneTimeToken.used_at.is_null()).execute())
