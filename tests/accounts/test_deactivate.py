"""Admins deactivate and reactivate users; a deactivated user's session ends at their next request."""
from portal.models import AuditEvent, OneTimeToken, User
from tests.conftest import login

from .helpers import emailed_link, invite, set_password, text, user


def test_deactivating_sends_the_users_open_session_to_the_login_page(app, admin, login_as):
    other = login_as("admin")
    assert other.get("/admin/users").status_code == 200
    page = admin.get(f"/admin/users/{other.user.id}/deactivate?lang=en")
    assert page.status_code == 200 and f"Deactivate {other.user.name}?" in text(page)
    response = admin.post(f"/admin/users/{other.user.id}/deactivate")
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    next_request = other.get("/admin/users")
    assert next_request.status_code == 302 and next_request.location.startswith("/login")
    assert login(app.test_client(), other.user.email).status_code == 200      # and cannot log in again
    [event] = AuditEvent.select().where(AuditEvent.action == "user.deactivated")
    assert event.actor_id == admin.user.id and event.object_id == str(other.user.id)


def test_a_deactivated_caseworker_is_logged_out_too(app, admin, login_as):
    caseworker = login_as("caseworker")
    admin.post(f"/admin/users/{caseworker.user.id}/deactivate")
    response = caseworker.get("/admin/users")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_the_get_only_asks_for_confirmation(app, admin, make_user):
    staff = make_user("staff")
    admin.get(f"/admin/users/{staff.id}/deactivate")
    assert User.get_by_id(staff.id).active
    assert not AuditEvent.select().where(AuditEvent.action == "user.deactivated").exists()


def test_an_admin_cannot_deactivate_themselves(app, admin):
    page = admin.get(f"/admin/users/{admin.user.id}/deactivate?lang=en")
    assert "You cannot deactivate yourself." in text(page) and "<form method=\"post\" action=\"/admin/users/" not in text(page)
    response = admin.post(f"/admin/users/{admin.user.id}/deactivate?lang=en", follow_redirects=True)
    assert "You cannot deactivate yourself. Ask another admin." in text(response)
    assert User.get_by_id(admin.user.id).active
    assert admin.get("/admin/users").status_code == 200
    users_page = text(admin.get("/admin/users"))
    assert f"/admin/users/{admin.user.id}/deactivate" not in users_page


def test_reactivating_lets_the_user_log_in_again(app, admin, make_user):
    staff = make_user("staff")
    admin.post(f"/admin/users/{staff.id}/deactivate")
    assert f"/admin/users/{staff.id}/reactivate" in text(admin.get("/admin/users"))
    assert "Reactivate" in text(admin.get(f"/admin/users/{staff.id}/reactivate?lang=en"))
    response = admin.post(f"/admin/users/{staff.id}/reactivate?lang=en", follow_redirects=True)
    assert f"{staff.name} is active again." in text(response)
    assert login(app.test_client(), staff.email).status_code == 302
    assert AuditEvent.select().where(AuditEvent.action == "user.reactivated").count() == 1


def test_deactivating_twice_is_recorded_once(app, admin, make_user):
    staff = make_user("staff")
    admin.post(f"/admin/users/{staff.id}/deactivate")
    admin.post(f"/admin/users/{staff.id}/deactivate")
    assert AuditEvent.select().where(AuditEvent.action == "user.deactivated").count() == 1


def test_a_deactivated_users_links_stop_working(app, inbox, admin):
    invite(admin)
    path = emailed_link(app, inbox, "nour@example.org")
    invited = user("nour@example.org")
    admin.post(f"/admin/users/{invited.id}/deactivate")
    assert set_password(app.test_client(), path).status_code == 404
    assert user("nour@example.org").password_hash is None
    assert OneTimeToken.get().used_at is not None
    response = admin.post(f"/admin/users/{invited.id}/resend?lang=en", follow_redirects=True)
    assert "is deactivated. Reactivate the user first." in text(response)
