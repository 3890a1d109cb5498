"""Promise 5 of issue 19: only a complete mentor is matched. A filled-in profile (at least five years of work
experience), a training date and an active account with a password; the service refuses anything less, the
suggestions never show it, and the database refuses a profile marked matchable without them."""
from datetime import date

import pytest
from peewee import IntegrityError

from portal.db import database
from portal.models import Application, MentorProfile, Pair, User
from portal.services import mentors as mentor_service
from portal.services import cohorts, pairing
from portal.services import authentication
from tests.conftest import PASSWORD
from tests.programmes.helpers import approved, copenhagen, mentor, setup

TODAY = date(2026, 2, 1)


def suggested_names(programme) -> set[str]:
    matching = pairing.suggestion(programme, TODAY)
    return ({profile.user.name for profile, _free in matching.mentors}
            | {profile.user.name for row in matching.rows for profile, _fit in row.options})


def staff_user():
    return User.get_or_none(User.email == "decider@example.org")


@pytest.fixture
def world(app):
    programme = setup(app)
    with app.app_context():
        application = approved(programme)
        complete = mentor("Carla Complete")
    return programme, application, complete


def invited_and_trained(name, **profile):
    """A mentor the association invited (no password yet), with a profile and the training recorded."""
    user = authentication.create_user(f"{name.split()[0].lower()}@example.org", name, "mentor", None, ())
    MentorProfile.create(user=user, site=copenhagen(), work_years=10, fields=["IT"], languages=["da", "en"],
                         trained_on=date(2026, 1, 10), matchable=True, **profile)
    return user


def test_a_mentor_without_a_password_is_never_suggested_and_cannot_be_paired(app, world):
    programme, application, _complete = world
    with app.app_context():
        invited = invited_and_trained("Ivan Invited")
        assert suggested_names(programme) == {"Carla Complete"}
        with pytest.raises(cohorts.MatchError) as refused:
            pairing.accept(programme, application, invited, staff_user(), TODAY)
        assert refused.value.code == "mentor_no_password"
        assert Application.get_by_id(application.id).status == "approved" and not Pair.select().exists()


def test_a_deactivated_mentor_is_never_suggested_and_cannot_be_paired(app, world):
    programme, application, _complete = world
    with app.app_context():
        gone = mentor("Dora Deactivated")
        User.update(active=False).where(User.id == gone.id).execute()
        assert suggested_names(programme) == {"Carla Complete"}
        with pytest.raises(cohorts.MatchError) as refused:
            pairing.accept(programme, application, User.get_by_id(gone.id), staff_user(), TODAY)
        assert refused.value.code == "mentor_inactive"
        assert not Pair.select().exists()


def test_training_recorded_before_the_profile_is_filled_does_not_make_a_mentor_matchable(app, world):
    """Staff record the training of a mentor who has not filled in their profile: no work experience yet."""
    programme, application, _complete = world
    with app.test_request_context("/"):
        user = authentication.create_user("eva@example.org", "Eva Empty", "mentor", PASSWORD, ())
        mentor_service.set_site(user, copenhagen(), staff_user())
        mentor_service.set_training(user, date(2026, 1, 10), staff_user())
        assert suggested_names(programme) == {"Carla Complete"}
        with pytest.raises(cohorts.MatchError) as refused:
            pairing.accept(programme, application, user, staff_user(), TODAY)
        assert refused.value.code == "mentor_profile"
        # once she fills in her profile, she can be matched
        mentor_service.save_profile(user, 8, False, ["IT"], ["da", "en"], 1)
        assert "Eva Empty" in suggested_names(programme)
        assert pairing.accept(programme, application, user, staff_user(), TODAY).mentor_id == user.id


def test_clearing_the_training_makes_a_mentor_unmatchable_again(app, world):
    programme, application, complete = world
    with app.app_context():
        mentor_service.set_training(complete, None, staff_user())
        assert suggested_names(programme) == set()
        with pytest.raises(cohorts.MatchError) as refused:
            pairing.accept(programme, application, complete, staff_user(), TODAY)
        assert refused.value.code == "not_trained"


def test_a_training_date_still_to_come_is_not_a_training_done(app, world):
    programme, application, complete = world
    with app.app_context():
        mentor_service.set_training(complete, date(2026, 3, 1), staff_user())
        assert suggested_names(programme) == set()
        with pytest.raises(cohorts.MatchError):
            pairing.accept(programme, application, complete, staff_user(), TODAY)


@pytest.mark.parametrize("change", [{"work_years": None}, {"trained_on": None}])
def test_the_database_refuses_a_matchable_profile_that_is_not_complete(app, world, change):
    """A write around the services (a script, a hand-made fix) cannot mark an incomplete profile matchable,
    nor empty a matchable one."""
    _programme, _application, complete = world
    with app.app_context():
        with pytest.raises(IntegrityError), database.atomic():
            MentorProfile.update(**change).where(MentorProfile.user == complete.id).execute()
        profile = MentorProfile.of(complete)
        assert profile.matchable and profile.work_years == 10 and profile.trained_on == date(2026, 1, 10)
        # an incomplete profile can be stored, as long as it is not marked matchable
        MentorProfile.update(matchable=False, **change).where(MentorProfile.user == complete.id).execute()
        with pytest.raises(IntegrityError), database.atomic():
            MentorProfile.update(matchable=True).where(MentorProfile.user == complete.id).execute()


def test_the_mentors_page_says_why_a_mentor_cannot_be_matched(app, login_as):
    setup(app)
    with app.app_context():
        invited_and_trained("Ivan Invited")
    page = login_as("staff").get("/programmes/mentors?lang=en").get_data(as_text=True)
    assert "Cannot be matched yet: the invitation is not accepted (no password yet)." in page
