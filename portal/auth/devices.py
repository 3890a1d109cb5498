"""Known devices: a signed, long-lived cookie that names the accounts this browser has signed in to.

Set at each complete sign-in (after the second factor, for admins), one random device id per account. A
known device is throttled on its own (services/throttle.py), so someone guessing an account's password
elsewhere, or a neighbour behind the same address, does not keep its owner out. It proves nothing else:
the password (and code) are checked as always, and the device's own failures slow it down like any other."""
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..services.throttle import setting

COOKIE = "known_device"
PATH = "/login"                 # sent only to the sign-in steps
KEEP = 10                       # accounts remembered per browser (a shared computer), newest first


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def known() -> dict[int, str]:
    """user id -> device id, for the accounts this browser signed in to within KNOWN_DEVICE_LIFETIME."""
    value = request.cookies.get(COOKIE)
    if not value:
        return {}
    try:
        entries = _serializer().loads(value, max_age=setting("KNOWN_DEVICE_LIFETIME").total_seconds())
        return {int(user_id): str(device) for user_id, device in entries}
    except (BadSignature, TypeError, ValueError):
        return {}


def remember(response, user) -> None:
    """Mark this browser as a known device of `user` (keeping its id for the account if it had one)."""
    entries = known()
    device = entries.pop(user.id, None) or secrets.token_urlsafe(16)
    kept = [[user.id, device], *([user_id, other] for user_id, other in entries.items())][:KEEP]
    config = current_app.config
    response.set_cookie(COOKIE, _serializer().dumps(kept), path=PATH, httponly=True, samesite="Lax",
                        secure=config["SESSION_COOKIE_SECURE"],
                        max_age=int(setting("KNOWN_DEVICE_LIFETIME").total_seconds()))
