"""A company signed up through the public form, and its coordinator signed in, through the test client."""
import re

from portal import mail
from portal.models import Company, User
from tests.conftest import PASSWORD, login

VALID_CVR = "30000005"          # passes the modulus-11 check (weights 2 7 6 5 4 3 2 1)


def sign_up_data(company="Nordic Build A/S", cvr=VALID_CVR, email="kim@nordicbuild.dk", **sites):
    data = {"company": company, "cvr": cvr, "contact_name": "Kim Koordinator", "contact_email": email,
            "contact_phone": "", "expected_mentors": "3",
            "sites-0-name": "Odense office", "sites-0-address": "Vestergade 1", "sites-0-postcode": "5000",
            "sites-0-town": "Odense C", "sites-0-municipality": ""}
    data.update(sites)
    return data


def set_password_path(inbox, address) -> str:
    """The path of the newest set-password link emailed to this address."""
    body = inbox.to(address)[-1].get_content()
    return re.search(r"http://localhost(/account/set-password/\S+)", body)[1]


def approved_coordinator(app, client, inbox, staff_client, company="Nordic Build A/S", cvr=VALID_CVR,
                         email="kim@nordicbuild.dk"):
    """Sign a company up, have staff approve it, take up the invitation: a signed-in coordinator's client."""
    assert client.post("/companies?lang=en", data=sign_up_data(company, cvr, email)).status_code == 302
    with app.app_context():
        found = Company.get(Company.name == company)
    response = staff_client.post(f"/review/companies/{found.id}",
                                 data={"message": "Welcome aboard", "action": "approve"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        mail.send_pending()
    coordinator = app.test_client()
    response = coordinator.post(set_password_path(inbox, email), data={"password": PASSWORD, "repeat": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert login(coordinator, email).status_code == 302
    with app.app_context():
        return coordinator, User.get(User.email == email)
