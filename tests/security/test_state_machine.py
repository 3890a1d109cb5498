"""The applicant's form as a state machine: visit, save, break, go back, skip ahead, resume in another
browser, submit and submit again, in any order; never a 5xx and never an inconsistent application."""
import shutil

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from portal.answers import STEPS
from portal.models import Application
from tests.apply.helpers import VALID
from tests.conftest import _make_app

PAGES = [*STEPS, "check", "done", ""]
BROKEN = {"about-you": {"full_name": "", "birth_year": "19x8"}, "contact": {"postcode": "99999", "email": "not-an-email"},
          "residence": {"residence_basis": "nope"}, "education": {"entries-0-year_finished": "3000"},
          "work": {"entries-0-years": "-4"}, "languages": {"danish_level": "Z9"}, "goals": {"goals": ["nope"]},
          "consent": {"consent": ""}}
OPEN = ("draft", "needs_info")


@pytest.fixture(scope="module")
def state_app(tmp_path_factory, migrated_db):
    path = tmp_path_factory.mktemp("machine") / "machine.db"
    shutil.copy(migrated_db, path)
    yield _make_app(f"sqlite:///{path}")


def test_the_applicant_form_never_breaks_whatever_the_order(state_app):
    app = state_app

    class Applicant(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.client = app.test_client()
            self.submissions = 0

        def _check(self, response):
            assert response.status_code < 500, response.get_data(as_text=True)[:500]
            return response

        def application(self):
            with self.client.session_transaction() as session:
                public_id = session.get("application")
            return Application.get_or_none(Application.public_id == public_id) if public_id else None

        @rule(page=st.sampled_from(PAGES))
        def visit(self, page):
            self._check(self.client.get(f"/apply/{page}"))

        @rule(step=st.sampled_from(STEPS), to_check=st.booleans())
        def save_valid(self, step, to_check):
            before = self.application()
            done = before.completed_steps if before else []
            may_save = all(s in done for s in STEPS[:STEPS.index(step)]) and (before is not None or step == STEPS[0])
            url = f"/apply/{step}" + ("?return=check" if to_check else "")
            response = self._check(self.client.post(url, data=VALID[step]))
            application = self.application()
            if may_save and application is not None and application.status in OPEN:
                assert response.status_code == 302 and step in application.completed_steps
            elif not may_save and before is not None:
                assert application.completed_steps == done          # no jumping ahead by posting

        @rule(step=st.sampled_from(STEPS))
        def save_broken(self, step):
            before = self.application()
            answers = before.answers.get(step) if before else None
            response = self._check(self.client.post(f"/apply/{step}", data={**VALID[step], **BROKEN[step]}))
            assert response.status_code == 200
            after = self.application()
            if before is not None and after is not None:
                assert after.answers.get(step) == answers            # a refused step changes nothing

        @rule(step=st.sampled_from(STEPS), action=st.sampled_from(["add", "remove-0", "remove-7", "remove-x"]))
        def add_or_remove_entries(self, step, action):
            self._check(self.client.post(f"/apply/{step}", data={**VALID[step], "action": action}))

        @rule()
        def go_back(self):
            application = self.application()
            done = application.completed_steps if application else []
            target = done[-1] if done else STEPS[0]
            self._check(self.client.get(f"/apply/{target}"))

        @rule()
        def resume_in_another_browser(self):
            with self.client.session_transaction() as session:
                kept = session.get("resume_link")          # [the draft's public id, the link]
            if not kept:
                return
            link = kept[1]
            other = app.test_client()
            response = self._check(other.get(link.replace("http://localhost", "")))
            if response.status_code == 302:
                self.client = other            # the applicant goes on in the other browser

        @rule()
        def submit(self):
            before = self.application()
            response = self._check(self.client.post("/apply/submit"))
            after = self.application()
            if before is not None and before.status in OPEN and after is not None and after.status == "submitted":
                self.submissions += 1
            assert response.status_code == 302

        @invariant()
        def consistent(self):
            application = self.application()
            if application is None:
                return
            done = application.completed_steps
            assert done == [s for s in STEPS if s in done]                      # ordered, no duplicates
            assert set(done) <= set(application.answers)                        # every saved step has answers
            assert application.status in ("draft", "submitted")
            if application.status == "submitted":
                assert done == list(STEPS) and application.reference and application.submitted_at
                assert application.verdict in ("likely_eligible", "likely_not_eligible", "needs_review")
            else:
                assert application.reference is None
            assert self.submissions <= 1                                        # submitted once, however often sent
            same = Application.select().where(Application.full_name == application.full_name,
                                              Application.status == "submitted",
                                              Application.public_id == application.public_id).count()
            assert same <= 1

    run_state_machine_as_test(Applicant, settings=settings(
        max_examples=40, stateful_step_count=30, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
