"""ASVS V2.8: admin accounts give a one-time code (TOTP) after the password before any page that needs a role."""
import re
import time
from datetime import timedelta

import pyotp
import segno
from bs4 import BeautifulSoup

from portal.models import AuditEvent, User
from tests.conftest import login, pass_second_factor


def secret_of(user):
    return User.get_by_id(user.id).totp_secret


def post_code(client, code, **extra):
    return client.post("/login/totp", data={"code": code, **extra})


def test_after_the_password_an_admin_is_sent_to_the_code_step_and_nothing_opens_before(client, make_user):
    admin = make_user("admin")
    response = client.post("/login", data={"email": admin.email, "password": "correct horse battery staple",
                                           "next": "/admin/users"})
    assert response.status_code == 302 and response.headers["Location"] == "/login/totp?next=/admin/users"
    for path in ("/admin/", "/admin/users", "/review/", "/programmes/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.headers["Location"].startswith("/login/totp?next=")
    assert client.post("/admin/users/invite", data={"email": "x@example.org"}).status_code == 302


def test_first_use_enrols_with_the_key_in_text_and_as_an_otpauth_link(client, make_user):
    admin = make_user("admin")
    login(client, admin.email)
    page = client.get("/login/totp?lang=en").get_data(as_text=True)
    secret = secret_of(admin)
    assert secret and re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert f'<code id="totp-secret">{secret}</code>' in page
    uri = re.search(r'<code id="totp-uri">([^<]+)</code>', page).group(1).replace("&amp;", "&")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == secret and parsed.issuer == "Mentorbro" and parsed.name == admin.email
    assert 'autocomplete="one-time-code"' in page
    # the same key is shown again until it is confirmed, and never after
    client.get("/login/totp")
    assert secret_of(admin) == secret
    assert post_code(client, pyotp.TOTP(secret).now()).headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    again = make_client_logged_in(client.application, admin)
    assert secret not in again.get("/login/totp").get_data(as_text=True)


def qr_modules(svg) -> set[tuple[int, int]]:
    """The dark modules (column, row) an SVG QR code draws, read back from its path: segno draws each run of
    dark modules in a row as a horizontal line ("M4 4.5h7m2 0h1 ..."), in modules (the path is scaled)."""
    x = y = 0.0
    dark = set()
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", svg.find("path", class_="qrline")["d"]):
        values = [float(n) for n in numbers.split()]
        if command in "Mm":
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(values[0])))
            x += values[0]
    return dark


def test_first_use_also_shows_the_setup_link_as_a_qr_code_the_csp_allows(client, make_user):
    admin = make_user("admin")
    login(client, admin.email)
    response = client.get("/login/totp?lang=da")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    secret = secret_of(admin)
    svg = page.select_one("#totp-qr svg")
    assert svg is not None and page.select_one("#totp-secret").get_text() == secret      # the text key stays
    # Named for screen readers, in the page's language; no script, no style attribute (style-src 'self').
    assert svg["role"] == "img" and svg.find("title").get_text() == "QR-kode, der tilføjer Mentorbro til din godkendelsesapp"
    assert not svg.find_all("script") and not [tag for tag in [svg, *svg.find_all(True)] if tag.has_attr("style")]
    assert not [name for tag in [svg, *svg.find_all(True)] for name in tag.attrs if name.startswith("on")]
    assert "style-src 'self';" in response.headers["Content-Security-Policy"]
    # It holds exactly the otpauth link with the secret and the issuer: the same modules as that link's QR code.
    uri = pyotp.TOTP(secret).provisioning_uri(name=admin.email, issuer_name="Mentorbro")
    assert f"secret={secret}" in uri and "issuer=Mentorbro" in uri
    drawn = qr_modules(svg)
    assert any(drawn == {(column + 4, row + 4) for row, line in enumerate(segno.make(uri, error=level, micro=False).matrix)
                         for column, module in enumerate(line) if module} for level in "lmqh")
    # Once the key is confirmed, neither the key nor its QR code is shown again.
    assert post_code(client, pyotp.TOTP(secret).now()).status_code == 302
    again = make_client_logged_in(client.application, admin).get("/login/totp").get_data(as_text=True)
    assert "totp-qr" not in again and secret not in again


def make_client_logged_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def test_a_wrong_code_is_refused_and_the_right_one_lets_the_admin_in(app, make_user):
    admin = make_user("admin")
    client = make_client_logged_in(app, admin)
    client.get("/login/totp")
    right = pyotp.TOTP(secret_of(admin)).now()
    response = client.post("/login/totp?lang=en", data={"code": f"{(int(right) + 1) % 1000000:06d}",
                                                        "next": "/admin/users"})
    assert response.status_code == 200 and "The code is not correct" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    ok = post_code(client, pyotp.TOTP(secret_of(admin)).now(), next="/admin/users")
    assert ok.status_code == 302 and ok.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.action.startswith("user.second_factor"))]
    assert actions == ["user.second_factor_failed", "user.second_factor"]


def test_a_code_works_once(app, make_user):
    admin = make_user("admin")
    first = make_client_logged_in(app, admin)
    first.get("/login/totp")
    totp = pyotp.TOTP(secret_of(admin))
    code = totp.now()
    assert post_code(first, code).status_code == 302
    second = make_client_logged_in(app, admin)
    assert post_code(second, code).status_code == 200               # replayed: refused
    assert second.get("/admin/").status_code == 302
    assert post_code(second, totp.at(time.time() + 30)).status_code == 302   # the next one works


def test_wrong_codes_are_throttled(app, make_user):
    app.config["LOGIN_DELAY_FIRST"] = timedelta(minutes=1)
    admin = make_user("admin")
    client = make_client_logged_in(app, admin)
    client.get("/login/totp")
    right = pyotp.TOTP(secret_of(admin)).now()
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]):
        assert post_code(client, wrong).status_code == 200
    assert post_code(client, right).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_codes_that_are_not_six_digits_are_refused_without_an_error(app, make_user):
    admin = make_user("admin")
    client = make_client_logged_in(app, admin)
    client.get("/login/totp")
    for code in ("", "12345", "1234567", "abcdef", "12 34 5x", "\x00" * 6, "٠١٢٣٤٥"):
        assert post_code(client, code).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_every_new_login_asks_for_a_code_again(app, make_user):
    admin = make_user("admin")
    client = make_client_logged_in(app, admin)
    pass_second_factor(client, admin)
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    assert login(client, admin.email).status_code == 302
    assert client.get("/admin/").headers["Location"].startswith("/login/totp")


def test_other_roles_need_no_code(app, make_user):
    for role, home in (("staff", "/review/"), ("caseworker", "/referrals/"), ("mentor", "/mentor/")):
        user = make_user(role)
        client = app.test_client()
        assert login(client, user.email).headers["Location"] == home
        assert client.get(home).status_code == 200
        assert client.get("/login/totp").headers["Location"] == home
        assert User.get_by_id(user.id).totp_secret is None


def test_the_code_step_sends_anonymous_visitors_to_log_in(client):
    assert client.get("/login/totp").headers["Location"] == "/login"
    assert client.post("/login/totp", data={"code": "123456"}).headers["Location"] == "/login"


def test_the_demo_admin_is_pre_enrolled_and_seed_demo_prints_the_key(app, tmp_path):
    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if l.startswith("admin\t"))
    _, email, password, secret = line.split("\t")
    assert secret == User.get(User.email == email).totp_secret
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    page = client.get("/login/totp").get_data(as_text=True)
    assert secret not in page                          # already enrolled: only the code is asked for
    assert post_code(client, pyotp.TOTP(secret).now()).status_code == 302
    assert client.get("/admin/").status_code == 200
