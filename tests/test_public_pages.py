"""The start and privacy pages are rendered once per language for visitors without a session; everyone
else gets theirs rendered for them."""
from portal.public import views


def test_each_language_and_address_gets_its_own_page(client):
    english = client.get("/?lang=en").get_data(as_text=True)
    danish = client.get("/?lang=da").get_data(as_text=True)
    assert '<html lang="en">' in english and '<html lang="da">' in danish
    assert client.get("/?lang=en").get_data(as_text=True) == english
    assert '<html lang="da">' in client.get("/privacy?lang=da").get_data(as_text=True)
    assert "session=" not in client.get("/").headers.get("Set-Cookie", "")        # no session made for it


def test_a_visitor_without_a_session_is_served_the_kept_page(client, monkeypatch):
    rendered = []
    real = views.render_template
    monkeypatch.setattr(views, "render_template", lambda *a, **k: rendered.append(a) or real(*a, **k))
    for _ in range(3):
        assert client.get("/?lang=en").status_code == 200
    assert len(rendered) == 1


def test_someone_signed_in_or_with_a_message_waiting_gets_their_own(app, login_as):
    anonymous = app.test_client().get("/?lang=en").get_data(as_text=True)     # kept for visitors
    staff = login_as("staff")
    mine = staff.get("/?lang=en").get_data(as_text=True)
    assert staff.user.name in mine and staff.user.name not in anonymous
    response = staff.post("/logout", follow_redirects=True)
    assert "You are logged out." in response.get_data(as_text=True)
    assert "You are logged out." not in app.test_client().get("/?lang=en").get_data(as_text=True)
