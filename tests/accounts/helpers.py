"""Inviting through the admin page, reading links from the real SMTP inbox, setting passwords."""
import re

from portal import mail
from portal.models import User

LINK = re.compile(r"http://localhost(/account/set-password/\S+)")
NEW_PASSWORD = "a long and unrelated passphrase"


def text(response) -> str:
    return response.get_data(as_text=True)


def errors(response) -> list[str]:
    """The messages in the page's error summary."""
    summary = re.search(r"data-error-summary.*?</ul>", text(response), re.S)
    return [m.strip() for m in re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", summary.group(0))] if summary else []


def send_mail(app) -> int:
    """Send the outbox over SMTP, as the app does after each response."""
    with app.app_context():
        return mail.send_pending()


def invite_data(**changes) -> dict:
    data = {"email": "nour@example.org", "name": "Nour Haddad", "role": "staff", "language": "en"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def invite(admin, **changes):
    return admin.post("/admin/users/invite?lang=en", data=invite_data(**changes))


def emailed_link(app, inbox, address) -> str:
    """Send the outbox and return the path of the newest account link emailed to `address`."""
    send_mail(app)
    messages = inbox.to(address)
    assert messages, f"no email to {address}"
    return LINK.search(messages[-1].get_content()).group(1)


def set_password(client, path, password=NEW_PASSWORD, repeat=None):
    return client.post(path + "?lang=en", data={"password": password,
                                                "repeat": password if repeat is None else repeat})


def user(email) -> User:
    return User.get(User.email == email)
