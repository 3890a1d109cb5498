"""The start and privacy pages: each language its own, no session made for a visitor, and anyone signed in
(or with a message waiting) sees their own page."""


def test_each_language_and_address_gets_its_own_page(client):
    english = client.get("/?lang=en").get_data(as_text=True)
    danish = client.get("/?lang=da").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english and '<html lang="da" dir="ltr">' in danish
    assert client.get("/?lang=en").get_data(as_text=True) == english
    assert '<html lang="da" dir="ltr">' in client.get("/privacy?lang=da").get_data(as_text=True)
    assert "session=" not in client.get("/").headers.get("Set-Cookie", "")        # no session made for it


def test_someone_signed_in_or_with_a_message_waiting_gets_their_own(app, login_as):
    anonymous = app.test_client().get("/?lang=en").get_data(as_text=True)
    staff = login_as("staff")
    mine = staff.get("/?lang=en").get_data(as_text=True)
    assert staff.user.name in mine and staff.user.name not in anonymous
    response = staff.post("/logout", follow_redirects=True)
    assert "You are logged out." in response.get_data(as_text=True)
    assert "You are logged out." not in app.test_client().get("/?lang=en").get_data(as_text=True)
