"""The CSV export: streamed, UTF-8 with BOM, `;`, formulas neutralised, only the filter's rows, audited."""
import csv
import io

from portal.models import AuditEvent
from portal.spreadsheet import safe_cell
from tests.review.helpers import make_application


def rows_of(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_export_is_a_streamed_danish_excel_csv_of_the_current_filter(app, login_as):
    staff = login_as("staff")
    make_application(full_name="Søren Ærø", language="da", phone="+45 70 12 34 56")
    make_application(full_name="=HYPERLINK(\"http://evil\")", language="da", email="@evil@example.org")
    make_application(full_name="English Person", language="en")
    response = staff.get("/review/export.csv?language=da&sort=name&lang=en")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="applications-')
    header, *rows = rows_of(response)
    assert header[:3] == ["Reference", "Name", "Email"] and "Status" in header
    assert [r[1] for r in rows] == ["'=HYPERLINK(\"http://evil\")", "Søren Ærø"]
    assert rows[0][2] == "'@evil@example.org" and rows[1][3] == "'+45 70 12 34 56"
    assert len(header) == len(rows[0]) and "Residence" not in ";".join(header)     # no special-category data
    assert rows[1][header.index("Status")] == "Submitted" and rows[1][header.index("Language")] == "Danish"
    assert rows[1][header.index("Eligibility check")] == "Likely eligible"
    assert b";" in response.get_data() and b"\r\n" in response.get_data()


def test_every_export_is_audited_with_its_filter_and_size(login_as):
    staff = login_as("staff")
    for _ in range(3):
        make_application(status="in_review")
    make_application()
    staff.get("/review/export.csv?status=in_review").get_data()
    [event] = AuditEvent.select().where(AuditEvent.action == "applications.exported")
    assert event.actor_id == staff.user.id and event.details == {"filters": {"status": "in_review"}, "rows": 3}


def test_export_of_many_rows_arrives_in_chunks(login_as):
    staff = login_as("staff")
    for _ in range(1200):
        make_application()
    response = staff.get("/review/export.csv")
    chunks = list(response.response)
    assert len(chunks) >= 3 and sum(c.count(b"\r\n") if isinstance(c, bytes) else c.count("\r\n") for c in chunks) == 1201


def test_safe_cell_neutralises_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text).startswith("'")
    assert safe_cell("Amal") == "Amal" and safe_cell(None) == "" and safe_cell(True) == "1"


def test_export_of_my_applications_works_after_the_request_has_ended(login_as, make_user):
    staff = login_as("staff")
    mine = make_application(status="in_review", assigned_to=staff.user)
    make_application(status="in_review", assigned_to=make_user("staff"))
    header, *rows = rows_of(staff.get("/review/export.csv?assigned=me"))
    assert [r[0] for r in rows] == [mine.reference]


def test_an_export_that_is_never_read_leaves_no_request_context_behind(app, login_as):
    from flask import has_request_context
    staff, mentor = login_as("staff"), login_as("mentor")
    make_application()
    staff.get("/review/export.csv")                     # the body is never read
    assert not has_request_context()
    assert mentor.get("/review/export.csv").status_code == 403
