"""Submitted applications made through the real form, and signing in to /status through the emailed link."""
import re

from portal import mail
from portal.models import Application
from tests.apply.helpers import fill

LINK = re.compile(r"http://localhost(/status/sign-in/\S+)")


def send_mail(app) -> int:
    """Send the outbox over SMTP, as the app does after each response."""
    with app.app_context():
        return mail.send_pending()


def submitted_application(app, email="amal@example.org", language="en", name="Amal Hassan", **changes):
    """Fill in and send an application with a fresh browser; returns the stored row."""
    client = app.test_client()
    fill(client, **{"about-you": {"language": language, "full_name": name},
                    "contact": {"email": email}, **changes})
    assert client.post("/apply/submit").status_code == 302
    send_mail(app)                  # the receipt goes out now, so a test sees only the emails it caused
    return Application.select().where(Application.email == email).order_by(Application.id.desc()).get()


def ask_for_link(client, application, email=None):
    """Ask for a sign-in link; the response is closed, as a server closes it once sent (the link is made then)."""
    response = client.post("/status/?lang=en", data={"reference": application.reference,
                                                      "email": email or application.email})
    response.close()
    return response


def emailed_link(app, inbox, address) -> str:
    """Send the outbox and return the path of the newest sign-in link emailed to `address`."""
    send_mail(app)
    messages = inbox.to(address)
    assert messages, f"no email to {address}"
    return LINK.search(messages[-1].get_content()).group(1)


def sign_in(client, inbox, application):
    """Ask for a link, open it and press the button: the client is then signed in to /status."""
    assert ask_for_link(client, application).status_code == 200
    path = emailed_link(client.application, inbox, application.email)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302 and response.location.endswith("/status/application")
    return path
