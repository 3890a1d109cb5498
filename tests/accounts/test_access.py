"""Who may use the account pages: /admin/users* admins only; /account/* everyone."""
import pytest

from portal.models import AuditEvent, User

ADMIN_GETS = ["/admin/users", "/admin/users/invite", "/admin/users/{id}/deactivate", "/admin/users/{id}/reactivate"]
ADMIN_POSTS = ["/admin/users/invite", "/admin/users/{id}/deactivate", "/admin/users/{id}/reactivate",
               "/admin/users/{id}/resend"]
PUBLIC_GETS = ["/account/reset", "/account/set-password/not-a-real-token"]
POST_DATA = {"email": "x@example.org", "name": "X", "role": "admin", "language": "en"}


@pytest.fixture
def target(make_user):
    return make_user("mentor")


def _nothing_changed(target):
    assert User.get_by_id(target.id).active
    assert not User.select().where(User.email == "x@example.org").exists()
    assert not AuditEvent.select().where(AuditEvent.action.startswith("user.")
                                         & (AuditEvent.action != "user.created")
                                         & (AuditEvent.action != "user.login")).exists()


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_anonymous_users_are_sent_to_log_in(client, target, path):
    url = path.format(id=target.id)
    response = client.get(url)
    assert response.status_code == 302 and response.location.startswith(f"/login?next={url}")


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_anonymous_posts_change_nothing(client, target, path):
    response = client.post(path.format(id=target.id), data=POST_DATA)
    assert response.status_code == 302 and "/login" in response.location
    _nothing_changed(target)


@pytest.mark.parametrize("role", ["staff", "caseworker", "mentor"])
@pytest.mark.parametrize("path", ADMIN_GETS)
def test_other_roles_are_refused(login_as, target, role, path):
    assert login_as(role).get(path.format(id=target.id)).status_code == 403


@pytest.mark.parametrize("role", ["staff", "caseworker", "mentor"])
@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_other_roles_cannot_change_anything(login_as, target, role, path):
    assert login_as(role).post(path.format(id=target.id), data=POST_DATA).status_code == 403
    _nothing_changed(target)


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_admins_get_in(admin, target, path):
    assert admin.get(path.format(id=target.id)).status_code == 200


@pytest.mark.parametrize("role", [None, "staff", "caseworker", "mentor", "admin"])
@pytest.mark.parametrize("path", PUBLIC_GETS)
def test_everyone_may_open_the_account_pages(app, login_as, role, path):
    client = login_as(role) if role else app.test_client()
    assert client.get(path).status_code == (404 if "set-password" in path else 200)


def test_the_users_menu_item_alone_is_current_on_the_user_pages(admin):
    page = admin.get("/admin/users?lang=en").get_data(as_text=True)
    assert '<a href="/admin/users" aria-current="page">Users</a>' in page
    assert page.count('aria-current="page"') == 1
    assert '<a href="/admin/" aria-current="page">Administration</a>' in admin.get("/admin/?lang=en").get_data(
        as_text=True)
