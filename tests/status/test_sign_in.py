"""/status sign-in: a one-time link by email, the same answer for everyone, an hour-long session."""
import logging
import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from portal.clock import now_utc
from portal.models import AuditEvent, OneTimeToken, Outbox
from portal.services import status
from portal.status.views import SIGNED_IN_AT

from .helpers import send_mail, ask_for_link, emailed_link, sign_in, submitted_application


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_link_arrives_in_the_applicants_language_and_opens_status_and_answers(app, inbox, client, language):
    application = submitted_application(app, language=language)
    inbox.messages.clear()
    response = ask_for_link(client, application)
    assert "Check your email" in response.get_data(as_text=True)
    send_mail(app)
    [message] = inbox.to("amal@example.org")
    with app.test_request_context("/"), force_locale(language):
        expected = gettext("Your link to your application (%(reference)s)", reference=application.reference)
    assert message["Subject"] == expected
    assert Outbox.select().order_by(Outbox.id.desc()).get().language == language
    assert application.reference in message["Subject"]
    path = emailed_link(app, inbox, "amal@example.org")
    client.post(path)
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert application.reference in page
    assert "Received. A person at the association will read your application." in page
    assert "Amal Hassan" in page and "Civil engineering" in page and "Site engineer" in page
    assert "/status/edit" not in page            # a submitted application has no change links


def test_opening_the_link_does_not_use_it_only_the_button_does(app, inbox, client):
    application = submitted_application(app)
    ask_for_link(client, application)
    path = emailed_link(app, inbox, application.email)
    for _ in range(3):                            # a mail scanner fetching the link
        page = client.get(path)                # the link carries the language
        assert page.status_code == 200 and "Open my application" in page.get_data(as_text=True)
    assert client.get("/status/application").status_code == 302
    assert client.post(path).location.endswith("/status/application")


def test_a_link_works_only_once(app, inbox, client):
    application = submitted_application(app)
    path = sign_in(client, inbox, application)
    other = app.test_client()
    response = other.post(path)
    assert response.status_code == 404 and "The link does not work" in response.get_data(as_text=True)
    assert other.get("/status/application").status_code == 302
    assert other.get(path).status_code == 404


def test_an_expired_link_is_refused(app, inbox, client):
    application = submitted_application(app)
    ask_for_link(client, application)
    path = emailed_link(app, inbox, application.email)
    OneTimeToken.update(expires_at=now_utc() - timedelta(seconds=1)).where(OneTimeToken.purpose == "status").execute()
    assert client.get(path).status_code == 404
    response = client.post(path)
    assert response.status_code == 404 and "Each link works once, for one hour" in response.get_data(as_text=True)
    assert client.get("/status/application").status_code == 302


def _comparable(page, email):
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page.replace(email, "EMAIL"))


@pytest.mark.parametrize("field, value", [("email", "someone.else@example.org"), ("reference", "MB-AAAA-AAAA")])
def test_wrong_details_get_the_same_answer_and_no_email(app, inbox, client, field, value):
    application = submitted_application(app)
    inbox.messages.clear()
    Outbox.delete().execute()
    right = ask_for_link(app.test_client(), application).get_data(as_text=True)
    assert Outbox.select().count() == 1          # the right details do send a link
    Outbox.delete().execute()
    OneTimeToken.delete().execute()
    data = {"reference": application.reference, "email": application.email, field: value}
    response = client.post("/status/?lang=en", data=data)
    response.close()                             # as a server does once it is sent: the lookup runs then
    wrong = response.get_data(as_text=True)
    # The pages differ only in the email address echoed back and the per-session CSRF token.
    assert _comparable(wrong, data["email"]) == _comparable(right, application.email)
    assert Outbox.select().count() == 0 and send_mail(app) == 0 and inbox.messages == []
    assert OneTimeToken.select().where(OneTimeToken.purpose == "status").count() == 0


def test_the_reference_may_be_typed_loosely(app, inbox, client):
    application = submitted_application(app)
    loose = application.reference.lower().replace("-", " ")
    client.post("/status/", data={"reference": loose, "email": " AMAL@example.org "}).close()
    assert OneTimeToken.select().where(OneTimeToken.purpose == "status").count() == 1


def test_at_most_five_links_an_hour_per_application(app, inbox, client):
    application = submitted_application(app)
    Outbox.delete().execute()
    for _ in range(7):
        response = ask_for_link(client, application)
        assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert Outbox.select().where(Outbox.recipient == application.email).count() == status.MAX_LINKS_PER_HOUR
    # An hour later the person can ask again.
    OneTimeToken.update(created_at=now_utc() - timedelta(hours=1, seconds=1)).execute()
    ask_for_link(client, application)
    assert Outbox.select().count() == status.MAX_LINKS_PER_HOUR + 1


def test_the_status_session_ends_an_hour_after_sign_in(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    assert client.get("/status/application").status_code == 200
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - 3601
    response = client.get("/status/application")
    assert response.status_code == 302 and response.location.endswith("/status/")
    assert "signed out an hour after" in client.get("/status/?lang=en").get_data(as_text=True)
    assert client.get("/status/application").status_code == 302


def test_without_sign_in_every_status_page_goes_to_the_start(client):
    for method, path in [("get", "/status/application"), ("get", "/status/edit"), ("get", "/status/withdraw"),
                         ("post", "/status/withdraw"), ("post", "/status/export"), ("get", "/status/delete"),
                         ("post", "/status/delete")]:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and response.location.endswith("/status/"), path


def test_sign_in_and_link_requests_are_in_the_audit_log(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.object_id == application.public_id)]
    assert "status.link_sent" in actions and "status.signed_in" in actions


def test_sign_out_ends_the_session(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    assert client.post("/status/sign-out").status_code == 302
    assert client.get("/status/application").status_code == 302


def test_the_start_page_in_danish_and_english(client):
    english = client.get("/status/?lang=en").get_data(as_text=True)
    assert "Follow your application" in english and 'for="reference"' in english
    danish = client.get("/status/?lang=da")
    assert danish.status_code == 200 and 'lang="da"' in danish.get_data(as_text=True)


@contextmanager
def statements():
    """The database statements run meanwhile, as peewee logs them (its logger, at DEBUG; SQL text only)."""
    seen = []

    class Collect(logging.Handler):
        def emit(self, record):
            if record.name == "peewee" and isinstance(record.msg, tuple):
                seen.append(record.msg[0])

    logger, handler = logging.getLogger("peewee"), Collect(logging.DEBUG)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_answer_does_the_same_database_work_whether_or_not_the_details_match(app, inbox):
    """Timing: matching details (a link to make and email) must not take longer to answer than wrong ones.
    The statements run until the response is ready are the same on both paths; the lookup, the link and the
    email come after the response has been sent (a server closes it then)."""
    application = submitted_application(app)
    inbox.messages.clear()
    responses, runs = {}, {}
    for kind, email in (("right", application.email), ("wrong", "someone.else@example.org"),
                        ("right again", application.email)):
        with statements() as seen:
            responses[kind] = app.test_client().post("/status/?lang=en", data={"reference": application.reference,
                                                                               "email": email})
        runs[kind] = seen
    assert runs["right"] == runs["wrong"] == runs["right again"]
    assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0       # nothing done yet
    for response in responses.values():
        response.close()
    send_mail(app)
    assert [m["Subject"] for m in inbox.messages] == [f"Your link to your application ({application.reference})"] * 2
    assert all(m["To"] == application.email for m in inbox.messages)


def test_the_status_page_in_danish_says_a_person_reads_it_soon_and_offers_the_data_as_a_file(app, inbox, client):
    application = submitted_application(app, language="da")
    inbox.messages.clear()
    ask_for_link(client, application)
    send_mail(app)
    client.post(emailed_link(app, inbox, "amal@example.org"))
    page = client.get("/status/application?lang=da").get_data(as_text=True)
    assert "En medarbejder i foreningen læser snart din ansøgning." in page and "foreningen vil læse din ansøgning" not in page
    assert "Hent mine oplysninger (som en fil)" in page and "Download mine oplysninger (JSON)" not in page
