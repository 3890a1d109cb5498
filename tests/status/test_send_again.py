""""Send me my link again" on /status/ (an email address only; the same answer whether or not it is known,
within the email limits), the ways to /status/ from the start, the footer and the login page, and emailed
links that open in the language the person chose."""
import re

import pytest

from portal import mail
from portal.models import Application, EmailCount
from portal.services import limits
from tests.apply.helpers import fill

from .helpers import send_mail, submitted_application


def an_hour_later(inbox):
    """The emails the form sent while applying are out of the inbox and out of this hour's count."""
    EmailCount.delete().execute()
    inbox.messages.clear()


def ask_again(client, email, lang="en"):
    response = client.post(f"/status/send-again?lang={lang}", data={"again-email": email})
    response.close()                   # the links are made once the answer is out
    return response


@pytest.mark.parametrize("lang, words", [
    ("en", ("Lost your link or your reference number?", "Send me my link again", "Check your email")),
    ("da", ("Mistet dit link eller dit referencenummer?", "Send mig mit link igen", "Tjek din e-mail")),
])
def test_the_same_answer_whether_or_not_the_address_is_known(app, client, inbox, lang, words):
    submitted_application(app)
    an_hour_later(inbox)
    page = client.get(f"/status/?lang={lang}").get_data(as_text=True)
    assert words[0] in page and words[1] in page
    known = ask_again(client, "amal@example.org", lang)
    unknown = ask_again(client, "nobody@example.org", lang)
    assert known.status_code == unknown.status_code == 200
    def strip(response):             # the page's main part, with the address typed taken out
        main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group(0)
        return main.replace("amal@example.org", "X").replace("nobody@example.org", "X")
    assert strip(known) == strip(unknown) and words[2] in strip(known)
    send_mail(app)
    assert len(inbox.to("amal@example.org")) == 1 and not inbox.to("nobody@example.org")


def test_a_sent_application_gets_a_sign_in_link_and_a_draft_its_link_to_continue(app, client, inbox):
    application = submitted_application(app, language="en")
    draft = app.test_client()
    fill(draft, until="residence", **{"about-you": {"language": "da", "full_name": "Amal Hassan"}})
    send_mail(app)
    an_hour_later(inbox)
    ask_again(client, "amal@example.org")
    send_mail(app)
    bodies = [m.get_content() for m in inbox.to("amal@example.org")]
    sign_in = next(re.search(r"http://localhost(/status/sign-in/\S+)", b) for b in bodies if "/status/sign-in/" in b)
    resume = next(re.search(r"http://localhost(/apply/resume/\S+)", b) for b in bodies if "/apply/resume/" in b)
    # each link carries its application's language, so it opens in it on another phone
    assert sign_in.group(1).endswith("?lang=en") and resume.group(1).endswith("?lang=da")
    phone = app.test_client()
    assert "Open my application" in phone.get(sign_in.group(1)).get_data(as_text=True)
    assert phone.post(sign_in.group(1)).location.endswith("/status/application")
    assert application.reference in phone.get("/status/application").get_data(as_text=True)
    other_phone = app.test_client()
    assert other_phone.get(resume.group(1)).location.endswith("/apply/residence")
    assert 'lang="da"' in other_phone.get("/apply/residence").get_data(as_text=True)


def test_asking_again_and_again_is_limited(app, client, inbox):
    submitted_application(app)
    an_hour_later(inbox)
    for _ in range(limits.PER_RECIPIENT_PER_HOUR + 3):
        ask_again(client, "amal@example.org")
    send_mail(app)
    assert len(inbox.to("amal@example.org")) == limits.PER_RECIPIENT_PER_HOUR


def test_a_wrong_address_is_refused_and_kept(client):
    page = client.post("/status/send-again?lang=en", data={"again-email": "amal@"}).get_data(as_text=True)
    assert "Enter an email address like name@example.com" in page and 'value="amal@"' in page


@pytest.mark.parametrize("lang, words", [("en", "Follow your application"), ("da", "Følg din ansøgning")])
@pytest.mark.parametrize("page", ["/", "/login", "/privacy"])
def test_the_status_page_is_linked_from_the_start_page_the_footer_and_the_login_page(client, page, lang, words):
    html = client.get(f"{page}?lang={lang}").get_data(as_text=True)
    links = re.findall(r'<a href="(/status/)" class="follow-application">([^<]+)</a>', html)
    assert (("/status/", words) in links) and len(links) == (1 if page == "/privacy" else 2)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_receipt_and_the_decision_emails_link_in_the_applicants_language(app, inbox, language):
    application = submitted_application(app, language=language)
    with app.app_context():
        mail.send_pending()
    # the receipt was sent by submitted_application; the sign-in link too carries the language
    client = app.test_client()
    client.post("/status/?lang=en", data={"reference": application.reference, "email": application.email}).close()
    send_mail(app)
    body = inbox.to(application.email)[-1].get_content()
    assert re.search(rf"http://localhost/status/sign-in/\S+\?lang={language}\b", body)
    assert Application.get_by_id(application.id).language == language
