"""An applicant's own view of their application: sign-in links by email."""
from datetime import timedelta

from .. import mail
from ..db import database
from ..models import Application
from . import audit, tokens
from .registration import absolute_url

SIGN_IN_LIFETIME = timedelta(hours=1)


def normalise_reference(text: str) -> str:
    compact = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if compact.startswith("MB"):
        compact = compact[2:]
    return f"MB-{compact[:4]}-{compact[4:8]}" if len(compact) == 8 else ""


def send_sign_in_link(reference: str, email: str) -> None:
    """Email a one-time sign-in link if reference and email belong together; silent otherwise."""
    application = Application.get_or_none((Application.reference == normalise_reference(reference))
                                          & (Application.email == (email or "").strip().lower()))
    if application is None:
        return
    with database.atomic():
        plain = tokens.issue("status", SIGN_IN_LIFETIME, application=application)
        mail.queue(application.email, "status_link", application.language, name=application.full_name,
                   reference=application.reference, link=absolute_url("status.sign_in", token=plain),
                   minutes=int(SIGN_IN_LIFETIME.total_seconds() // 60))
        audit.record(None, "status.link_sent", application, actor_role="applicant")


def sign_in(plain: str) -> Application | None:
    """The application a sign-in link opens; each link works once."""
    token = tokens.find("status", plain)
    if token is None or not tokens.use(token):
        return None
    return token.application
