"""Matching for a programme: suggestions with reasons, accept (emails, audit), reject, capacity, start."""
from datetime import date

from portal import mail
from portal.models import Application, AuditEvent, Pair, Programme
from tests.programmes.helpers import aarhus, approved, mentor, setup


def test_the_page_suggests_trained_mentors_near_the_mentee_with_reasons(app, login_as):
    programme = setup(app)
    with app.app_context():
        approved(programme, name="Amal Hassan", field="Computer science", wished="IT")
        mentor("Morten Mentor", fields=("Software development", "IT"))
        mentor("Una Untrained", trained=None)
        mentor("Aase Aarhus", site=aarhus(), fields=("IT",))
    page = login_as("staff").get(f"/programmes/{programme.id}/matching?lang=en").get_data(as_text=True)
    assert "Suggested mentor: Morten Mentor" in page
    assert "Lives near the mentor’s site" in page and "Shared fields: Software development, IT" in page
    assert "Una Untrained" not in page            # not trained: cannot be matched
    assert "Aase Aarhus" not in page              # her site is not near Amal's home


def test_accepting_matches_emails_both_and_is_audited(app, login_as, inbox):
    programme = setup(app)
    with app.app_context():
        application = approved(programme, email="amal@example.org", language="en")
        m = mentor(email="morten@example.org", language="da")
    client = login_as("staff")
    response = client.post(f"/programmes/{programme.id}/matching/{application.public_id}?lang=en",
                           data={f"a{application.id}-mentor": m.id, "action": "accept"})
    assert response.status_code == 302
    with app.app_context():
        assert Application.get_by_id(application.id).status == "matched"
        pair = Pair.get(Pair.application == application.id)
        assert pair.mentor_id == m.id
        assert AuditEvent.select().where(AuditEvent.action == "pair.accepted").count() == 1
        assert AuditEvent.select().where(AuditEvent.action == "application.matched").count() == 1
        mail.send_pending()
    to_mentee, to_mentor = inbox.to("amal@example.org"), inbox.to("morten@example.org")
    assert "You have a business mentor" in to_mentee[0]["Subject"]
    assert "Copenhagen office" in to_mentee[0].get_content() and "Lautrupvang 2" in to_mentee[0].get_content()
    assert to_mentor[0]["Content-Language"] == "da"
    # and the matched applicant leaves the matching page (after the flash message was shown once)
    shown = client.get(f"/programmes/{programme.id}/matching?lang=en").get_data(as_text=True)
    assert "now a pair" in shown
    assert "Amal Hassan" not in client.get(f"/programmes/{programme.id}/matching?lang=en").get_data(as_text=True)


def test_rejecting_a_pair_suggests_another_mentor(app, login_as):
    programme = setup(app)
    with app.app_context():
        application = approved(programme)
        first = mentor("Morten Mentor", fields=("IT",))
        mentor("Nina Next", fields=("Law",))
    client = login_as("staff")
    client.post(f"/programmes/{programme.id}/matching/{application.public_id}",
                data={f"a{application.id}-mentor": first.id, "action": "reject"})
    page = client.get(f"/programmes/{programme.id}/matching?lang=en").get_data(as_text=True)
    assert "Suggested mentor: Nina Next" in page
    with app.app_context():
        assert Application.get_by_id(application.id).status == "approved"


def test_a_mentee_outside_the_catchment_cannot_be_paired_by_hand(app, login_as):
    programme = setup(app)
    with app.app_context():
        application = approved(programme, municipality="101")
        far = mentor("Aase Aarhus", site=aarhus())
    response = login_as("staff").post(f"/programmes/{programme.id}/matching/{application.public_id}?lang=en",
                                      data={f"a{application.id}-mentor": far.id, "action": "accept"})
    assert response.status_code == 200
    with app.app_context():
        assert Application.get_by_id(application.id).status == "approved"


def test_mentor_and_programme_capacity_are_kept(app, login_as):
    programme = setup(app)
    with app.app_context():
        Programme.update(capacity=1).where(Programme.id == programme.id).execute()
        first, second = approved(programme, name="First One"), approved(programme, name="Second Two")
        m = mentor(capacity=2)
    client = login_as("staff")
    client.post(f"/programmes/{programme.id}/matching/{first.public_id}", data={f"a{first.id}-mentor": m.id})
    page = client.post(f"/programmes/{programme.id}/matching/{second.public_id}?lang=en",
                       data={f"a{second.id}-mentor": m.id}).get_data(as_text=True)
    assert "The programme is full" in page
    with app.app_context():
        assert Application.get_by_id(second.id).status == "approved"


def test_starting_the_programme_makes_matched_pairs_active(app, login_as):
    programme = setup(app)
    with app.app_context():
        Programme.update(start_date=date.today()).where(Programme.id == programme.id).execute()   # its first day
        application = approved(programme)
        m = mentor()
    client = login_as("staff")
    client.post(f"/programmes/{programme.id}/matching/{application.public_id}", data={f"a{application.id}-mentor": m.id})
    assert client.post(f"/programmes/{programme.id}/start").status_code == 302
    with app.app_context():
        assert Application.get_by_id(application.id).status == "active"
        assert Pair.get(Pair.application == application.id).started_on == date.today()
