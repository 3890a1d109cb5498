"""The outbox: queued in the transaction, sent over real SMTP, retried, sent once."""
from datetime import timedelta

from portal import mail
from portal.clock import now_utc
from portal.db import database
from portal.models import Outbox


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


def test_without_smtp_settings_emails_are_printed(app, ctx, capsys):
    app.config["MAIL_SERVER"] = None
    _queue()
    assert mail.send_pending() == 1
    assert "Subject: Test from Mentorbro" in capsys.readouterr().out


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
