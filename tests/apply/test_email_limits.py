"""Nobody can make the portal send an unconfirmed address many emails, nor put their own words in them.

Each new draft gets a resume link on the page; the email with it is limited per recipient address and per
client address (counted in the database, so it holds across processes and machines)."""
import re
from concurrent.futures import ThreadPoolExecutor

from portal import mail
from portal.services import limits
from tests.apply.helpers import VALID

RESUME_LINK = re.compile(r'class="resume-link">(http://localhost/apply/resume/[^<]+)<')


def new_draft(client, email, name="Amal Hassan", address="192.0.2.10"):
    """A new applicant's first two steps from `address`; returns the resume link the page showed."""
    environ = {"REMOTE_ADDR": address}
    about = {**VALID["about-you"], "full_name": name}
    assert client.post("/apply/about-you", data=about, environ_base=environ).status_code == 302
    response = client.post("/apply/contact", data={**VALID["contact"], "email": email}, environ_base=environ)
    assert response.status_code == 302 and response.location.endswith("/apply/residence")
    page = client.get("/apply/residence?lang=en", environ_base=environ).get_data(as_text=True)
    return RESUME_LINK.search(page).group(1)


def delivered(app, inbox, address):
    with app.app_context():
        mail.send_pending(limit=1000)
    return inbox.to(address)


def test_many_drafts_to_one_address_send_it_only_a_few_emails_yet_every_page_shows_its_link(app, make_app, inbox):
    # Two app instances (as two processes or machines would be) on the one database share the count.
    apps = [app, make_app(MAIL_SERVER=app.config["MAIL_SERVER"], MAIL_PORT=app.config["MAIL_PORT"])]
    links = [new_draft(apps[n % 2].test_client(), "victim@example.org", address=f"198.51.100.{n}")
             for n in range(12)]
    assert len(set(links)) == 12                        # each applicant still has their link on the page
    emails = delivered(app, inbox, "victim@example.org")
    assert len(emails) == limits.PER_RECIPIENT_PER_HOUR
    assert {links[0], links[1], links[2]} == {re.search(r"http://localhost/apply/resume/\S+",
                                                        m.get_content()).group(0) for m in emails}
    assert app.test_client().get(links[-1].removeprefix("http://localhost")).status_code == 302   # it works


def test_the_email_holds_nothing_the_sender_typed(app, client, inbox):
    new_draft(client, "someone@example.org", name="Click http://evil.example now")
    [email] = delivered(app, inbox, "someone@example.org")
    body = email.get_content()
    assert "evil" not in body and "Click" not in body and "Hello" in body


def test_one_client_address_cannot_email_many_addresses(app, inbox):
    for n in range(limits.PER_CLIENT_PER_HOUR + 5):
        new_draft(app.test_client(), f"person{n}@example.org", address="203.0.113.7")
    with app.app_context():
        sent = mail.send_pending(limit=1000)
    assert sent == limits.PER_CLIENT_PER_HOUR
    # Another client is not held back by that one.
    new_draft(app.test_client(), "other@example.org", address="203.0.113.8")
    assert len(delivered(app, inbox, "other@example.org")) == 1


def test_drafts_at_the_same_moment_cannot_slip_past_the_limit(app, inbox):
    def start(n):
        return new_draft(app.test_client(), "race@example.org", address=f"198.51.100.{n}")

    with ThreadPoolExecutor(max_workers=6) as pool:
        links = list(pool.map(start, range(12)))
    assert len(set(links)) == 12
    assert len(delivered(app, inbox, "race@example.org")) == limits.PER_RECIPIENT_PER_HOUR
