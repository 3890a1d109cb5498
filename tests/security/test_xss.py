"""ASVS V5.3: an XSS canary typed into every text field is escaped on every page, partial and email;
CSV exports make formula cells text."""
import csv
import io
from datetime import date, timedelta

from portal.models import Application, Outbox
from portal.services import pairing
from portal.services import tokens
from tests.apply.helpers import VALID
from tests.conftest import login
from tests.programmes.helpers import approved, mentor
from tests.review.helpers import make_application, seeded

CANARY = "\"><script>alert('xss')</script><img src=x onerror=alert(1)>"
DANGEROUS = ("<script>alert('xss')", "<img src=x onerror", "onerror=alert(1)>")
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1", "-1", "@SUM(1)", "=1+2"]


def assert_escaped(response, where):
    html = response.get_data(as_text=True)
    for raw in DANGEROUS:
        assert raw not in html, f"unescaped canary on {where}"
    return html


def fill_with_canary(client):
    """Every step, with the canary in every field that accepts free text; returns the fields that took it."""
    took = []
    for step, valid in VALID.items():
        data = dict(valid)
        for name, value in valid.items():
            if isinstance(value, list):
                continue
            trial = {**data, name: f"{value} {CANARY}"[:200]}
            if client.post(f"/apply/{step}?validate=1", data=trial).status_code == 200 and \
                    f'id="{name}-error"' not in client.post(f"/apply/{step}?validate=1", data=trial).get_data(as_text=True):
                data = trial
        response = client.post(f"/apply/{step}", data=data)
        if response.status_code != 302:             # a validator refused a canary: keep that field plain
            data = {k: (valid[k] if CANARY in str(v) and k in valid else v) for k, v in data.items()}
            response = client.post(f"/apply/{step}", data=data)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:500])
        took += [f"{step}.{k}" for k, v in data.items() if CANARY in str(v)]
    return took


def test_the_canary_is_escaped_everywhere_it_is_shown(app, login_as):
    with app.test_request_context("/"):
        programme = seeded()
    applicant = app.test_client()
    took = fill_with_canary(applicant)
    # every free-text question took the canary (names, address, fields, roles, languages, goals, more)
    assert {"about-you.full_name", "contact.address", "education.entries-0-field", "work.entries-0-role",
            "work.entries-0-sector", "languages.other_languages", "goals.wished_fields"} <= set(took), took
    for step in VALID:
        assert_escaped(applicant.get(f"/apply/{step}"), step)
        assert_escaped(applicant.get(f"/apply/{step}", headers={"HX-Request": "true"}), f"{step} partial")
    assert_escaped(applicant.get("/apply/check"), "check")
    assert applicant.post("/apply/submit").status_code == 302
    assert_escaped(applicant.get("/apply/done"), "done")
    application = Application.get()
    assert CANARY in application.full_name

    staff = login_as("staff")
    for query in ("", "?q=" + CANARY, "?q=xss&sort=name", "?status=submitted"):
        for headers in ({}, {"HX-Request": "true"}):
            assert_escaped(staff.get(f"/review/{query}", headers=headers), f"queue {query} {headers}")
    assert_escaped(staff.get(f"/review/{application.reference}"), "review page")
    note = staff.post(f"/review/{application.reference}/notes", data={"body": CANARY},
                      headers={"HX-Request": "true"})
    assert CANARY not in note.get_data(as_text=True) and "&lt;script&gt;" in assert_escaped(note, "notes partial")
    assert_escaped(staff.get(f"/review/{application.reference}"), "review page with note")
    staff.post(f"/review/{application.reference}/take", data={"version": application.version})
    application = Application.get()
    assert_escaped(staff.get(f"/review/{application.reference}/ask"), "ask confirm")
    assert_escaped(staff.post(f"/review/{application.reference}/ask", data={"version": "0", "message": CANARY}),
                   "ask conflict page")
    staff.post(f"/review/{application.reference}/ask", data={"version": application.version, "message": CANARY})
    assert Application.get().status == "needs_info"
    assert_escaped(staff.get(f"/review/{application.reference}"), "review page with history")

    # the applicant's status pages
    with app.test_request_context("/"):
        plain = tokens.issue("status", timedelta(hours=1), application=application)
    status = app.test_client()
    assert_escaped(status.get(f"/status/sign-in/{plain}"), "status sign-in")
    status.post(f"/status/sign-in/{plain}")
    for path in ("/status/application", "/status/withdraw", "/status/delete"):
        assert_escaped(status.get(path), path)
    assert CANARY in status.post("/status/export").get_data(as_text=True).replace("\\\"", "\"")   # JSON, as data

    # a referral with the canary in its name and note
    caseworker = login_as("caseworker")
    caseworker.post("/referrals/new", data={
        "full_name": "Nour " + CANARY, "email": "nour@example.org", "municipality": "101", "language": "en",
        "note": CANARY, "consent_how": "phone", "consent_at": date.today().isoformat(), "agreed": "y",
        "mode": "invite"})
    from portal.models import Referral
    referral = Referral.get()
    assert CANARY in referral.note
    for path in ("/referrals/", "/referrals/?q=" + CANARY, f"/referrals/{referral.public_id}"):
        for headers in ({}, {"HX-Request": "true"}):
            assert_escaped(caseworker.get(path, headers=headers), path)
    assert_escaped(caseworker.post("/referrals/new", data={"full_name": CANARY, "note": CANARY, "email": CANARY}),
                   "referral form errors")

    # a mentee with the canary as name, and the staff and mentor pages showing the pair
    with app.test_request_context("/"):
        mentee = approved(programme, name="Mentee " + CANARY, wished=CANARY, field=CANARY)
        m = mentor(email="mentor-xss@example.org", name="Mentor " + CANARY[:60], capacity=2)
    for path in (f"/programmes/{programme.id}/matching", "/programmes/mentors", "/programmes/"):
        assert_escaped(staff.get(path), path)
    with app.test_request_context("/"):
        pair = pairing.accept(programme, mentee, m, mentee.decided_by, date.today())
    staff.post(f"/programmes/{programme.id}/pairs/{pair.id}/meetings",
               data={"held_on": date.today().isoformat(), "note": CANARY})
    for path in (f"/programmes/{programme.id}", f"/programmes/{programme.id}/pairs/{pair.id}",
                 f"/programmes/{programme.id}/report"):
        assert_escaped(staff.get(path), path)
    mentor_client = app.test_client()
    login(mentor_client, m.email)
    assert_escaped(mentor_client.get("/mentor/"), "mentor home")
    assert_escaped(mentor_client.get("/mentor/profile"), "mentor profile")

    # emails are plain text only: no HTML part where the canary could run
    assert Outbox.select().count() >= 3
    import portal.mail as mail_module
    assert "set_content(message.body)" in open(mail_module.__file__).read()
    from pathlib import Path
    assert all(p.suffix == ".txt" for p in (Path(app.root_path).parent / "templates" / "emails").iterdir())
    for message in Outbox.select():
        assert "\n" not in message.subject and "\r" not in message.subject


def test_admin_pages_escape_names(app, login_as):
    with app.test_request_context("/"):
        seeded()
        mentor(email="m-xss@example.org", name="M " + CANARY[:80])
    admin = login_as("admin")
    admin.post("/admin/companies/", data={"name": "Co " + CANARY[:100]})
    admin.post("/admin/users/invite", data={"email": "x@example.org", "name": CANARY, "role": "staff",
                                            "language": "en"})
    for path in ("/admin/", "/admin/companies/", "/admin/companies/mentors", "/admin/users"):
        assert_escaped(admin.get(path), path)


def read_csv(response, delimiter):
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_review_export_makes_formula_cells_text(app, login_as):
    for n, name in enumerate(FORMULAS):
        make_application(full_name=name, email=f"f{n}@example.org", phone=("+45 1234" if n == 1 else None))
    staff = login_as("staff")
    response = staff.get("/review/export.csv")
    rows = read_csv(response, ";")
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted("'" + name for name in FORMULAS)
    for row in rows[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_programme_report_csv_makes_formula_cells_text(app, login_as):
    with app.test_request_context("/"):
        programme = seeded()
        for n, name in enumerate(FORMULAS):
            mentee = approved(programme, name=name)
            m = mentor(email=f"mf{n}@example.org", name=FORMULAS[-1 - n])
            pairing.accept(programme, mentee, m, mentee.decided_by, date.today())
    rows = read_csv(login_as("staff").get(f"/programmes/{programme.id}/report.csv"), ";")
    cells = [row[0] for row in rows[1:]] + [row[2] for row in rows[1:]]
    assert sorted(cells) == sorted("'" + f for f in FORMULAS * 2)
