"""Promises the life cycle keeps (issue 19): a duplicate is closed as a duplicate, an outcome does not end
the mentoring, and dates make sense (no approval into an ended or full programme: a waiting list instead;
no course started before its start date)."""
from datetime import date, timedelta


from portal import mail
from portal.lifecycle import Status
from portal.models import Application, AuditEvent, Outcome, Pair, Programme, Referral
from portal.services import cohorts, pairing
from tests.programmes.helpers import approved, mentor, setup
from tests.review.helpers import make_application, reload, seeded


def decide(client, application, action, **data):
    return client.post(f"/review/{application.reference}/{action}?lang=en",
                       data={"version": reload(application).version, **data})


def in_review(client, **columns):
    application = make_application(**columns)
    assert decide(client, application, "take").status_code == 302
    return reload(application)


# ---------------------------------------------------------------- 2. a duplicate is closed as a duplicate

def test_a_duplicate_is_closed_as_one_without_a_rejection_and_the_caseworker_follows_the_kept_one(
        app, login_as, make_user, inbox):
    staff = login_as("staff")
    caseworker = make_user("caseworker", email="cw@kommune.dk")
    with app.app_context():
        kept = make_application(full_name="Amal Hassan", email="amal@example.org", status="approved",
                                decided_by=staff.user.id, decision_reason="approved")
        second = make_application(full_name="Amal Hassan", email="amal@example.org", source="referral")
        referral = Referral.create(caseworker=caseworker, municipality="101", full_name="Amal Hassan",
                                   email="amal@example.org", note="Engineer", consent_how="in_person",
                                   consent_at=date.today(), mode="invite", application=second)
    assert decide(staff, second, "take").status_code == 302
    confirm = staff.get(f"/review/{second.reference}/close_duplicate?lang=en").get_data(as_text=True)
    assert kept.reference in confirm
    response = decide(staff, second, "close_duplicate", kept=kept.reference)
    assert response.status_code == 302
    with app.app_context():
        closed = reload(second)
        assert closed.status == Status.DUPLICATE and closed.duplicate_of_id == kept.id
        mail.send_pending()
    assert inbox.to("amal@example.org") == []                   # no rejection, no email at all
    [news] = inbox.to("cw@kommune.dk")
    body = news.get_content()
    # In the caseworker's language (Danish): handled under the kept application, which is approved.
    assert kept.reference in body and "lige nu: Godkendt" in body and "ikke godkendt" not in body
    own = caseworker_client(app, "cw@kommune.dk")
    shown = own.get(f"/referrals/{referral.public_id}?lang=en").get_data(as_text=True)
    assert f"handled under application {kept.reference}" in shown and "Approved" in shown
    assert "Not approved" not in shown
    listed = own.get("/referrals/?lang=en").get_data(as_text=True)
    row = listed.split("Amal Hassan")[1].split("</tr>")[0]
    assert "Approved" in row and "duplicate" not in row
    history = staff.get(f"/review/{second.reference}?lang=en").get_data(as_text=True)
    assert f"Closed as a duplicate: {kept.reference}" in history


def caseworker_client(app, email):
    from tests.conftest import login
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_only_an_application_with_a_possible_duplicate_can_be_closed_as_one(app, login_as):
    staff = login_as("staff")
    with app.app_context():
        alone = make_application(full_name="Nobody Else", email="alone@example.org")
    page = staff.get(f"/review/{alone.reference}?lang=en").get_data(as_text=True)
    assert "Close as a duplicate" not in page
    decide(staff, alone, "close_duplicate", kept="MB-NONE-0000")
    assert reload(alone).status == Status.SUBMITTED


# ---------------------------------------------------------------- 3. an outcome does not end the mentoring

def active_pair(app, programme, **mentee):
    with app.test_request_context("/"):
        application = approved(programme, **mentee)
        m = mentor(email=f"m{application.id}@example.org")
        staff = application.decided_by
        pair = pairing.accept(programme, application, m, staff, date.today())
        # The programme began a month ago and its course today: an outcome may be dated from today on.
        Programme.update(start_date=date.today() - timedelta(days=30)).where(Programme.id == programme.id).execute()
        cohorts.start(Programme.get_by_id(programme.id), staff, date.today())
        return Pair.get_by_id(pair.id)


def test_a_job_in_month_two_is_recorded_and_the_mentoring_goes_on(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme, name="Amal Hassan")
    client = login_as("staff")
    response = client.post(f"/programmes/{programme.id}/pairs/{pair.id}/outcome",
                           data={"outcome-kind": "job", "outcome-reached_on": date.today().isoformat()})
    assert response.status_code == 302
    with app.app_context():
        assert Outcome.get(Outcome.application == pair.application_id).kind == "job"
        assert Application.get_by_id(pair.application_id).status == Status.ACTIVE   # still meeting
    mentor_client = app.test_client()
    from tests.conftest import login
    login(mentor_client, pair.mentor.email)
    assert "Amal Hassan" in mentor_client.get("/mentor/?lang=en").get_data(as_text=True)


def test_staff_end_a_course_early_only_with_a_reason_and_the_history_keeps_it(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme)
    client = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/end"
    refused = client.post(url + "?lang=en", data={"end-reason": ""})
    assert "Write why the course ends early" in refused.get_data(as_text=True)
    assert reload(pair.application).status == Status.ACTIVE
    assert client.post(url, data={"end-reason": "Moved to Aalborg"}).status_code == 302
    with app.app_context():
        assert Application.get_by_id(pair.application_id).status == Status.COMPLETED
        [event] = AuditEvent.select().where(AuditEvent.action == "application.ended_early")
        assert event.details["reason"] == "Moved to Aalborg"


def test_the_course_ends_at_the_programmes_end_date_by_the_daily_command(app):
    programme = setup(app)
    pair = active_pair(app, programme)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["end-courses"])
    assert "Ended the course of 0 pair(s)" in result.output          # before the end date: nothing
    with app.app_context():
        Programme.update(start_date=date.today() - timedelta(days=200)).where(Programme.id == programme.id).execute()
    result = runner.invoke(args=["end-courses"])
    assert "Ended the course of 1 pair(s)" in result.output
    with app.app_context():
        assert Application.get_by_id(pair.application_id).status == Status.COMPLETED


# ---------------------------------------------------------------- 4. dates make sense

def test_no_approval_into_an_ended_programme_but_a_waiting_list_then_a_place(app, login_as, inbox):
    staff = login_as("staff")
    with app.app_context():
        programme = seeded()
        ended = Programme.create(name="Erhvervsmentor 2025", company=programme.company,
                                 start_date=date.today() - timedelta(days=400))
    application = in_review(staff, email="wait@example.org")
    refused = decide(staff, application, "approve", programme=str(ended.id))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "The programme has ended" in text and "waiting list" in text
    assert reload(application).status == Status.IN_REVIEW
    assert decide(staff, application, "wait_list").status_code == 302
    assert reload(application).status == Status.WAITING
    with app.app_context():
        mail.send_pending()
    [letter] = inbox.to("wait@example.org")
    assert "waiting list" in letter["Subject"]
    assert decide(staff, application, "place", programme=str(programme.id)).status_code == 302
    after = reload(application)
    assert after.status == Status.APPROVED and after.programme_id == programme.id


def test_no_approval_into_a_full_programme(app, login_as):
    staff = login_as("staff")
    with app.app_context():
        programme = seeded()
        Programme.update(capacity=1).where(Programme.id == programme.id).execute()
    first, second = in_review(staff), in_review(staff)
    assert decide(staff, first, "approve", programme=str(programme.id)).status_code == 302
    refused = decide(staff, second, "approve", programme=str(programme.id))
    assert refused.status_code == 409 and "The programme is full" in refused.get_data(as_text=True)
    assert reload(second).status == Status.IN_REVIEW


def test_the_course_cannot_start_before_its_start_date(app, login_as):
    programme = setup(app)          # starts 1 March 2027
    with app.test_request_context("/"):
        application = approved(programme)
        m = mentor()
        pairing.accept(programme, application, m, application.decided_by, date.today())
    client = login_as("staff")
    page = client.post(f"/programmes/{programme.id}/start?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "The course can start on its start date, not before." in page
    assert reload(application).status == Status.MATCHED
