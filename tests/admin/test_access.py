"""Only admins may use /admin/: anonymous users are sent to log in, other roles are refused."""
import pytest

from tests.admin.versions import versions
from portal.models import AuditEvent, RuleSetVersion

PAGES = ["/admin/", "/admin/programmes/new", "/admin/programmes/{id}/edit", "/admin/programmes/{id}/rules",
         "/admin/programmes/{id}/recompute"]
POSTS = ["/admin/programmes/new", "/admin/programmes/{id}/edit", "/admin/programmes/{id}/rules",
         "/admin/programmes/{id}/recompute"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, programme, path):
    url = path.format(id=programme.id)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/login?next={url}")


@pytest.mark.parametrize("path", POSTS)
def test_anonymous_posts_change_nothing(client, programme, path):
    response = client.post(path.format(id=programme.id), data={"min_cefr": "C2", "version": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert versions().count() == 1
    assert not AuditEvent.select().where(AuditEvent.action.startswith("ruleset.")).exists()


@pytest.mark.parametrize("role", ["staff", "caseworker", "mentor"])
@pytest.mark.parametrize("path", PAGES)
def test_other_roles_are_refused(login_as, programme, role, path):
    assert login_as(role).get(path.format(id=programme.id)).status_code == 403


@pytest.mark.parametrize("role", ["staff", "caseworker", "mentor"])
@pytest.mark.parametrize("path", POSTS)
def test_other_roles_cannot_save_or_recompute(login_as, programme, role, path):
    response = login_as(role).post(path.format(id=programme.id), data={"min_cefr": "C2", "version": "1"})
    assert response.status_code == 403
    assert versions().count() == 1
    assert not AuditEvent.select().where(AuditEvent.action.startswith("ruleset.")).exists()


def test_admins_get_in_and_see_the_administration_link(admin):
    response = admin.get("/admin/?lang=en")
    assert response.status_code == 200
    assert '<a href="/admin/" aria-current="page">Administration</a>' in response.get_data(as_text=True)


def test_an_unknown_programme_is_not_found(admin):
    assert admin.get("/admin/programmes/999/rules").status_code == 404
    assert admin.post("/admin/programmes/999/recompute").status_code == 404
