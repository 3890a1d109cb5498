"""The outbox: queued in the transaction, sent over real SMTP, retried, sent once; no body in the logs, and
no working one-time link kept once sent."""
import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal import mail
from portal.clock import now_utc
from portal.db import database
from portal.models import ALL_MODELS, Outbox
from tests.apply.helpers import fill
from tests.status.helpers import ask_for_link, submitted_application


def _queue(to="amal@example.org", language="en"):
    with database.atomic():
        return mail.queue(to, "test_message", language, name="Amal")


def test_a_queued_email_is_sent_over_smtp_in_its_language(app, ctx, inbox):
    _queue(language="da")
    assert mail.send_pending() == 1
    [message] = inbox.to("amal@example.org")
    assert message["Subject"] == "Test fra Mentorbro"
    assert message["Content-Language"] == "da"
    assert "Hej Amal" in message.get_content()
    assert Outbox.get().sent_at is not None


def test_an_email_queued_in_a_rolled_back_transaction_is_never_sent(app, ctx, inbox):
    try:
        with database.atomic():
            mail.queue("x@example.org", "test_message", "en", name="X")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert mail.send_pending() == 0 and inbox.messages == []


def test_a_failed_send_is_retried_later(app, ctx, inbox, smtp_server):
    _queue()
    app.config["MAIL_PORT"] = 1          # nothing listens there
    assert mail.send_pending() == 0
    failed = Outbox.get()
    assert failed.attempts == 1 and failed.sent_at is None and failed.next_attempt_at > now_utc()
    app.config["MAIL_PORT"] = smtp_server.port
    assert mail.send_pending() == 0          # not due yet
    Outbox.update(next_attempt_at=now_utc() - timedelta(seconds=1)).execute()
    assert mail.send_pending() == 1
    assert len(inbox.messages) == 1


def test_two_senders_never_send_the_same_email_twice(app, ctx, inbox):
    for n in range(5):
        _queue(to=f"p{n}@example.org")
    assert mail.send_pending(limit=2) == 2
    assert mail.send_pending() == 3
    assert mail.send_pending() == 0
    assert len(inbox.messages) == 5


def test_send_mail_command(app, ctx, inbox):
    _queue()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert "Sent 1 email(s)." in result.output


def test_without_a_mail_server_development_prints_a_notice_and_the_body_only_when_asked(app, ctx, capfd, caplog):
    caplog.set_level(logging.DEBUG)
    app.config["MAIL_SERVER"] = None
    _queue()
    assert mail.send_pending() == 1
    out = capfd.readouterr().out
    assert "amal@example.org" in out and "Test from Mentorbro" in out and "Hello Amal" not in out
    app.config["MAIL_PRINT_BODIES"] = True            # ./scripts/serve.sh sets it: demo links can be followed
    _queue()
    assert mail.send_pending() == 1
    assert "Subject: Test from Mentorbro" in capfd.readouterr().out
    assert not any("Hello Amal" in record.getMessage() for record in caplog.records)     # never through logging


def test_no_email_body_or_link_reaches_the_logs_whether_sent_failed_or_without_a_server(app, inbox, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    application = submitted_application(app)
    client = app.test_client()
    app.config["MAIL_PORT"] = 1                         # nothing listens there: a failed attempt is logged
    assert ask_for_link(client, application).status_code == 200
    with app.app_context():
        assert mail.send_pending() == 0
        app.config["MAIL_SERVER"] = None                # then no server at all (development's default)
        Outbox.update(next_attempt_at=now_utc()).execute()
        assert mail.send_pending() == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    out, err = capfd.readouterr()
    for where, text in (("log records", logged), ("stdout", out), ("stderr", err)):
        assert "/status/sign-in/" not in text and "Open your application with this link" not in text, where


# ---------------------------------------------------------------- one-time links are not kept once sent

LINK = re.compile(r"http://localhost(/\S+/([A-Za-z0-9_-]{40,}))")


def _status_link(app, login_as):
    application = submitted_application(app)
    assert ask_for_link(app.test_client(), application).status_code == 200
    return application.email, lambda client, path: client.post(path).location.endswith("/status/application")


def _reset_link(app, login_as):
    user = login_as("staff").user
    assert app.test_client().post("/account/reset?lang=en", data={"email": user.email}).status_code == 200
    return user.email, lambda client, path: "Choose a new password" in client.get(path + "?lang=en").get_data(as_text=True)


def _invitation_link(app, login_as):
    admin = login_as("admin")
    assert admin.post("/admin/users/invite?lang=en", data={"email": "nour@example.org", "name": "Nour Haddad",
                                                           "role": "staff", "language": "en"}).status_code == 302
    return "nour@example.org", lambda client, path: "Choose a password" in client.get(path + "?lang=en").get_data(as_text=True)


def _resume_link(app, login_as):
    fill(app.test_client(), until="residence")
    return "amal@example.org", lambda client, path: client.get(path).location.endswith("/apply/residence")


def _stored_bytes(database_url) -> bytes:
    """The SQLite files as they are on disk once the app's connections are closed."""
    database.close_all()
    path = Path(database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


@pytest.mark.parametrize("make_link", [_status_link, _reset_link, _invitation_link, _resume_link],
                         ids=["status-sign-in", "password-reset", "invitation", "resume"])
def test_a_sent_emails_one_time_link_is_kept_nowhere_in_the_database_and_still_works(
        app, inbox, login_as, database_url, make_link):
    address, works = make_link(app, login_as)
    with app.app_context():
        mail.send_pending()
        path, token = LINK.search(inbox.to(address)[-1].get_content()).groups()
        stored = "\n".join(json.dumps(row, default=str) for model in ALL_MODELS for row in model.select().dicts())
        assert Outbox.select().count() > 0 and token not in stored
    if database_url.startswith("sqlite"):
        assert token.encode() not in _stored_bytes(database_url)
    assert works(app.test_client(), path)                     # the recipient's link still opens


def test_a_request_that_queues_an_email_sends_it_once_its_response_is_out(app, inbox, make_user):
    user = make_user("staff")
    app.config["MAIL_SEND_AFTER_REQUEST"] = True
    client = app.test_client()
    response = client.post("/account/reset?lang=en", data={"email": user.email})
    assert response.status_code in (200, 302)
    response.close()                      # the WSGI server closes the response after the last byte
    assert [m["To"] for m in inbox.messages] == [user.email]
    assert Outbox.get().sent_at is not None


def test_a_request_that_queues_nothing_leaves_waiting_emails_to_the_sender(app, inbox):
    with app.app_context():
        _queue()                          # e.g. an email whose first attempt failed
    app.config["MAIL_SEND_AFTER_REQUEST"] = True
    app.test_client().get("/").close()
    with app.app_context():
        assert inbox.messages == [] and Outbox.get().sent_at is None
        assert mail.send_pending() == 1   # the `send-mail` timer sends it
