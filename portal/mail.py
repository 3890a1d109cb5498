"""Email through an outbox: queued in the caller's transaction, sent after commit, retried on failure."""
import logging
import smtplib
import socket
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale

from .clock import now_utc
from .db import database
from .models import Outbox

log = logging.getLogger("portal.mail")
MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=5)
# Where a one-time link goes in a stored body. The link itself waits in its own column and is put in only
# when the email is sent; once sent (or given up on) it is dropped, so the outbox kept for 90 days, and
# every copy or backup of the database, holds no working invitation, resume, sign-in or reset link.
LINK_PLACEHOLDER = "[one-time link, not kept]"
# What an erased person's emails hold instead of their address, subject and text (services/status.py).
ERASED = "[erased]"


def queue(recipient: str, template: str, language: str, link: str | None = None, forget_when_done: bool = False,
          **context) -> Outbox:
    """Render templates/emails/<template>.txt in `language` and put it in the outbox.

    The template's first line is the subject; the rest is the body. `link` is a one-time link (a secret):
    the stored body holds LINK_PLACEHOLDER in its place, and the link is kept only until the email is sent.
    `forget_when_done`: once sent or given up on, its recipient, subject and body are erased too (the
    confirmation of an erasure, queued after the person's other emails were scrubbed)."""
    if link is not None:
        context["link"] = LINK_PLACEHOLDER
    with force_locale(language):
        text = render_template(f"emails/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    if link is not None and LINK_PLACEHOLDER not in body:
        raise ValueError(f"emails/{template}.txt was given a link but does not show it")
    if has_request_context():
        g.mail_queued = True          # this request sends its emails once its response is out
    return Outbox.create(recipient=recipient, subject=subject.strip(), body=body.strip() + "\n",
                         language=language, link=link, forget_when_done=forget_when_done)


def _claim(worker: str, now):
    """Take one due email for this worker; a conditional update makes sure only one sender gets it."""
    while True:
        candidate = (Outbox.select(Outbox.id)
                     .where(Outbox.sent_at.is_null() & (Outbox.attempts < MAX_ATTEMPTS)
                            & (Outbox.next_attempt_at <= now)
                            & (Outbox.claimed_at.is_null() | (Outbox.claimed_at < now - CLAIM_TIMEOUT)))
                     .order_by(Outbox.id).first())
        if candidate is None:
            return None
        with database.atomic():
            taken = (Outbox.update(claimed_by=worker, claimed_at=now)
                     .where((Outbox.id == candidate.id) & Outbox.sent_at.is_null()
                            & (Outbox.claimed_at.is_null() | (Outbox.claimed_at < now - CLAIM_TIMEOUT)))
                     .execute())
        if taken:
            return Outbox.get_by_id(candidate.id)


def _deliver(message: Outbox):
    config = current_app.config
    if message.link:
        message.body = message.body.replace(LINK_PLACEHOLDER, message.link)     # in this copy only, not stored
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="mentorbro.dk")
    email.set_content(message.body)
    email["Content-Language"] = message.language      # after set_content, which resets the headers it owns
    if not config.get("MAIL_SERVER"):
        _to_console(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _to_console(message: Outbox):
    """Without a mail server (development only: production refuses to start): say on the console, never
    through logging, that an email was not sent; in full, link included, only when MAIL_PRINT_BODIES is
    set (./scripts/serve.sh sets it, so its demo links can be followed)."""
    config = current_app.config
    if config.get("MAIL_PRINT_BODIES") and config["ENV_NAME"] != "production":
        print(f"--- email to {message.recipient} ---\nSubject: {message.subject}\n\n{message.body}", flush=True)
    else:
        print(f"--- email to {message.recipient} not sent (no mail server): {message.subject} "
              "(PORTAL_MAIL_PRINT_BODIES=true prints it here in full)", flush=True)


def send_pending(limit: int = 50) -> int:
    """Send due emails; returns how many were sent. Safe to run in several processes at once."""
    worker = uuid.uuid4().hex
    sent = 0
    for _ in range(limit):
        now = now_utc()
        message = _claim(worker, now)
        if message is None:
            break
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException, socket.timeout) as error:
            attempts = message.attempts + 1
            retry = {"attempts": attempts, "claimed_by": None, "claimed_at": None,
                     "last_error": type(error).__name__, "next_attempt_at": now + timedelta(minutes=2 ** attempts)}
            if attempts >= MAX_ATTEMPTS:
                retry["link"] = None            # given up on: the link is dropped as if it had been sent
                retry.update(_forgotten(message))
            Outbox.update(**retry).where(Outbox.id == message.id).execute()
            log.warning("email %s not sent (attempt %s): %s", message.id, attempts, type(error).__name__)
            continue
        Outbox.update(sent_at=now_utc(), attempts=message.attempts + 1, link=None, **_forgotten(message)) \
            .where(Outbox.id == message.id).execute()
        sent += 1
    return sent


def _forgotten(message: Outbox) -> dict:
    """What a done email keeps of itself: all of it, or only that it was sent when it was to be forgotten."""
    return {"recipient": ERASED, "subject": ERASED, "body": ""} if message.forget_when_done else {}


def init_app(app):
    @app.after_request
    def _send_after_commit(response):
        # The request's transaction is committed by now; send what it queued once the response is out.
        # Requests that queued nothing leave the outbox alone (retries are the `send-mail` timer's job),
        # so an ordinary page costs no extra database round trip.
        if app.config["MAIL_SEND_AFTER_REQUEST"] and g.get("mail_queued"):
            response.call_on_close(_send_in_context(app))
        return response


def _send_in_context(app):
    def run():
        with app.app_context():
            try:
                database.connect(reuse_if_open=True)
                if Outbox.select().where(Outbox.sent_at.is_null()).exists():
                    send_pending()
            except Exception:      # a send failure must never break a response already given
                log.exception("sending queued email failed")
    return run
