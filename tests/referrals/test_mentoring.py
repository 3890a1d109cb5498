"""After the match, the referring caseworker follows the mentoring: the mentor's company, how many meetings,
the outcome; an email when the citizen is matched and when an outcome is recorded. Nothing more personal."""
import re
from datetime import date, timedelta

import pytest

from portal import mail
from portal.models import Meeting, Pair, Referral, User
from portal.services import cohorts, pairing
from tests.programmes.helpers import approved, mentor, setup


def referred(app, caseworker_user, name="Yonas Tesfay", municipality="101"):
    """An approved application the caseworker referred."""
    with app.test_request_context("/"):
        programme = setup(app)
        application = approved(programme, name=name, municipality=municipality)
        referral = Referral.create(caseworker=caseworker_user, municipality=municipality, full_name=name,
                                   email=application.email, language="en", note="Nurse, B2 English",
                                   consent_how="in_person", consent_at=date.today(), mode="together",
                                   application=application)
        return programme, application, referral


def match(app, programme, application, mentor_name="Morten Mentorsen"):
    with app.test_request_context("/"):
        m = mentor(name=mentor_name, email=f"m{application.id}@example.org")
        pair = pairing.accept(programme, application, m, application.decided_by, date.today())
        return pair


def send(app):
    with app.app_context():
        mail.send_pending()


@pytest.fixture
def caseworker(login_as):
    return login_as("caseworker", municipalities=("101",))


def set_language(user, language):
    User.update(language=language).where(User.id == user.id).execute()


@pytest.mark.parametrize("language, matched, recorded, link", [
    ("en", "has been matched with a business mentor", "An outcome has been recorded for", "?lang=en"),
    ("da", "har fået en erhvervsmentor", "Der er registreret et resultat for", "?lang=da"),
])
def test_the_referring_caseworker_is_emailed_in_their_language_when_matched_and_when_an_outcome_is_recorded(
        app, caseworker, login_as, inbox, language, matched, recorded, link):
    set_language(caseworker.user, language)
    programme, application, _ = referred(app, caseworker.user)
    pair = match(app, programme, application)
    send(app)
    mails = inbox.to(caseworker.user.email)
    assert len(mails) == 1
    body = mails[0].get_content()
    assert matched in body and "Yonas Tesfay" in body and application.reference in body
    assert f"http://localhost/referrals/{link}" in body
    assert "Morten Mentorsen" not in body                  # the mentor's name is not the caseworker's business

    staff = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/outcome"
    assert staff.post(url, data={"outcome-kind": "internship"}).status_code == 302
    send(app)
    mails = inbox.to(caseworker.user.email)
    assert len(mails) == 2
    body = mails[1].get_content()
    assert recorded in body and ("In an internship" if language == "en" else "I praktik") in body
    # the same outcome again is no news; a changed one is
    assert staff.post(url, data={"outcome-kind": "internship"}).status_code == 302
    send(app)
    assert len(inbox.to(caseworker.user.email)) == 2
    assert staff.post(url, data={"outcome-kind": "job"}).status_code == 302
    send(app)
    assert len(inbox.to(caseworker.user.email)) == 3


def test_no_other_caseworker_is_told(app, caseworker, login_as, inbox):
    colleague_elsewhere = login_as("caseworker", municipalities=("851",))
    programme, application, _ = referred(app, caseworker.user)
    match(app, programme, application)
    send(app)
    assert inbox.to(caseworker.user.email) and not inbox.to(colleague_elsewhere.user.email)


@pytest.mark.parametrize("lang, words", [
    ("en", ("The mentor’s company", "Meetings held", "In a job", "Demo IT A/S")),
    ("da", ("Mentorens virksomhed", "Afholdte møder", "I job", "Demo IT A/S")),
])
def test_a_referral_shows_the_company_the_meetings_and_the_outcome_and_nothing_more_personal(
        app, caseworker, login_as, lang, words):
    programme, application, referral = referred(app, caseworker.user)
    pair = match(app, programme, application, mentor_name="Morten Mentorsen")
    with app.test_request_context("/"):
        cohorts.start(programme, application.decided_by, max(date.today(), programme.start_date))
        Pair.update(started_on=date.today() - timedelta(days=40)).where(Pair.id == pair.id).execute()
        for days in (30, 10):
            Meeting.create(pair=pair, held_on=date.today() - timedelta(days=days), logged_by=pair.mentor,
                           note="Talked about her debts")
    staff = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/outcome"
    assert staff.post(url, data={"outcome-kind": "job"}).status_code == 302

    page = caseworker.get(f"/referrals/{referral.public_id}?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in page
    assert re.search(r"<th scope=\"row\">[^<]*</th>\s*<td>2</td>", page)        # two meetings
    assert "Morten Mentorsen" not in page and "debts" not in page
    listing = caseworker.get(f"/referrals/?lang={lang}").get_data(as_text=True)
    assert words[2] in listing and "Morten Mentorsen" not in listing
    # another municipality's caseworker sees none of it
    other = login_as("caseworker", municipalities=("851",))
    assert other.get(f"/referrals/{referral.public_id}?lang={lang}").status_code == 404
    assert "Yonas Tesfay" not in other.get(f"/referrals/?lang={lang}").get_data(as_text=True)


@pytest.mark.parametrize("lang, heading, by", [
    ("en", "Your municipality’s referrals", "Referred by"),
    ("da", "Kommunens henvisninger", "Henvist af"),
])
def test_the_list_is_the_municipalitys_referrals_with_who_referred_each(app, caseworker, make_user, lang, heading,
                                                                       by):
    colleague = make_user("caseworker", municipalities=("101",), name="Karen Kollega")
    referred(app, colleague, name="Colleague Citizen")
    page = caseworker.get(f"/referrals/?lang={lang}").get_data(as_text=True)
    assert heading in page and by in page and "Københavns Kommune" in page
    row = re.search(r">Colleague Citizen</a>.*?</tr>", page, re.S).group(0)
    assert "Karen Kollega" in row
