"""The report on the demo's first cohort reproduces its result: 18 of 25."""
import csv
import io
from datetime import date

from portal.models import Programme
from portal.services import demo
from portal.services import cohort_report, pairing
from tests.programmes.helpers import approved, mentor
from tests.review.helpers import seeded


def demo_2016(app):
    with app.test_request_context("/"):
        demo.seed(lambda: "demo-password-1234")
        return Programme.get(Programme.name == "Erhvervsmentor 2016")


def test_the_demo_cohort_has_18_of_25_in_a_job_education_or_internship(app):
    programme = demo_2016(app)
    with app.app_context():
        report = cohort_report.report(programme, date.today())
    assert (report.positive, report.mentees) == (18, 25)
    assert dict(report.funnel) == {"applied": 40, "likely_eligible": 31, "approved": 25, "matched": 25,
                                   "completed": 25}
    assert dict(report.outcomes) == {"job": 9, "education": 3, "internship": 4, "self_employed": 2, "none": 7}
    assert sum(n for _, n, _, _ in report.by_municipality) == 25


def test_the_report_page_shows_the_headline_a_chart_and_offers_csv(app, login_as):
    programme = demo_2016(app)
    client = login_as("staff")
    page = client.get(f"/programmes/{programme.id}/report?lang=en").get_data(as_text=True)
    assert "18 of 25 mentees were in a job, education or internship within six months" in page
    assert "<svg role=\"img\"" in page and "style=" not in page.split("<svg role")[1].split("</svg>")[0]
    response = client.get(f"/programmes/{programme.id}/report.csv?lang=en")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Mentee" and len(rows) == 26
    assert sum(1 for r in rows[1:] if r[5] and r[5] != "None of these yet") == 18


def test_seeding_twice_changes_nothing(app):
    demo_2016(app)
    with app.test_request_context("/"):
        assert demo.seed(lambda: "x") == []
        assert Programme.select().where(Programme.name == "Erhvervsmentor 2016").count() == 1


def test_report_numbers_are_written_the_way_the_page_language_writes_them(app, login_as):
    """Danish pages use a decimal comma ("10,5 møder"), English pages a point; never Python's own "10.5"."""
    programme = demo_2016(app)
    with app.app_context():
        average = round(cohort_report.report(programme, date.today()).meetings_per_pair, 1)
    assert average != int(average), "the demo's average should have a decimal to show"
    client = login_as("staff")
    danish = client.get(f"/programmes/{programme.id}/report?lang=da").get_data(as_text=True)
    english = client.get(f"/programmes/{programme.id}/report?lang=en").get_data(as_text=True)
    assert f"{average:g}".replace(".", ",") + " møder" in danish and f"{average:g} møder" not in danish
    assert f"{average:g} meetings" in english


def test_the_report_csv_is_written_like_the_review_export(app, login_as):
    """`;`, a BOM and the same formula neutralising: one file opens the same way in Danish Excel as the other."""
    names = ["=HYPERLINK(\"http://evil.example\",\"x\")", "-Ana; Berg", "@Omar", "\tTab Person", "Amal Hassan"]
    with app.test_request_context("/"):
        programme = seeded()
        for n, name in enumerate(names):
            mentee = approved(programme, name=name)
            pairing.accept(programme, mentee, mentor(email=f"csv{n}@example.org", name=f"+Mentor {n}"),
                           mentee.decided_by, date.today())
    staff = login_as("staff")
    report = staff.get(f"/programmes/{programme.id}/report.csv?lang=en")
    export = staff.get("/review/export.csv?lang=en")
    for response in (report, export):
        assert response.get_data().startswith("\ufeff".encode())                   # the BOM, once
        assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    report_rows = list(csv.reader(io.StringIO(report.get_data(as_text=True)[1:]), delimiter=";"))
    export_rows = list(csv.reader(io.StringIO(export.get_data(as_text=True)[1:]), delimiter=";"))
    assert report_rows[0][:3] == ["Mentee", "Municipality", "Mentor"] and len(report_rows[0]) == 7
    # The same name is the same cell in both files.
    assert sorted(row[0] for row in report_rows[1:]) == sorted(row[1] for row in export_rows[1:])
    assert sorted(row[0] for row in report_rows[1:]) == sorted(
        ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'-Ana; Berg", "'@Omar", "'\tTab Person", "Amal Hassan"])
    assert all(row[2].startswith("'+Mentor") for row in report_rows[1:])
