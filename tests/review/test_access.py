"""Who may use /review/: every URL x anonymous, caseworker, mentor, staff and admin."""
import pytest

from tests.review.helpers import make_application

URLS = [("GET", "/review/"), ("GET", "/review/?status=submitted"), ("GET", "/review/export.csv"),
        ("GET", "/review/{ref}"), ("POST", "/review/{ref}/notes")] + \
       [(method, f"/review/{{ref}}/{action}") for action in ("take", "approve", "reject", "ask", "withdraw")
        for method in ("GET", "POST")]


@pytest.mark.parametrize("method, url", URLS)
@pytest.mark.parametrize("role", [None, "caseworker", "mentor", "staff", "admin"])
def test_role_matrix(app, login_as, role, method, url):
    application = make_application()
    client = login_as(role) if role else app.test_client()
    path = url.format(ref=application.reference)
    response = client.open(path, method=method, data={"version": application.version, "body": "note"})
    if role is None:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    elif role in ("caseworker", "mentor"):
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302), (role, method, path, response.status_code)


def test_refused_users_see_nothing_of_the_application(app, login_as):
    application = make_application(full_name="Amal Hassan")
    for client in (app.test_client(), login_as("caseworker")):
        for path in ("/review/", f"/review/{application.reference}", "/review/export.csv"):
            assert "Amal Hassan" not in client.get(path).get_data(as_text=True)
