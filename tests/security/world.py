"""One small world for the security tests: a submitted application and a referral in municipality A,
a caseworker of A and one of B, staff, an admin (second factor passed), a mentor with a pair, a company,
and a client per actor, all signed in through the real login form."""
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from portal.db import database
from portal.models import Application, Company, FollowUpAnswer, Meeting, Site, User
from portal.services import pairing
from portal.services import referrals, registration, tokens, authentication
from tests.apply.helpers import fill
from tests.conftest import PASSWORD, _make_app, login, pass_second_factor
from tests.programmes.helpers import approved, mentor
from tests.review.helpers import seeded, submitted

MUNICIPALITY_A, MUNICIPALITY_B = "101", "751"
ACTORS = ("anonymous", "applicant", "caseworker_a", "caseworker_b", "staff", "admin", "mentor", "coordinator")
STATIC_FILE = next(p for p in sorted((Path(__file__).parents[2] / "static" / "css").rglob("*.css")))


@dataclass
class World:
    app: object
    ids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    directory: object = None

    def close(self):
        if not database.is_closed():
            database.close()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    def fresh(self, kind):
        """A new one-time link secret (each use spends one)."""
        with self.app.test_request_context("/"):
            if kind == "resume":
                draft = registration.new_draft("en")
                return tokens.issue("resume", timedelta(days=1), application=draft)
            if kind == "status":
                target = Application.get(Application.public_id == self.ids["application_public_id"])
                return tokens.issue("status", timedelta(hours=1), application=target)
            if kind == "invite":
                return tokens.issue("invite", timedelta(days=1), user=self.ids["spare_user"])
            if kind == "follow_up":       # the mentee's six-month question about the paired mentee
                target = Application.get(Application.public_id == self.ids["paired_public_id"])
                return tokens.issue("follow_up", timedelta(days=1), application=target)
        raise KeyError(kind)

    def sign_in(self, actor):
        """(Re)build the client of an actor, signed in as they would be."""
        client = self.app.test_client()
        if actor == "applicant":
            fill(client)                                         # a complete draft, not yet sent
            client.get(f"/apply/resume/{self.fresh('resume')}")  # and a resume link opened in this browser
            fill(client)
        elif actor == "status_applicant":                        # signed in to /status with an emailed link
            token = self.fresh("status")
            assert client.post(f"/status/sign-in/{token}").status_code == 302
        elif actor == "admin_password_only":
            assert login(client, self.users["admin"].email).status_code == 302
        elif actor != "anonymous":
            user = self.users[actor]
            assert login(client, user.email).status_code == 302
            if user.role == "admin":
                pass_second_factor(client, user)
        self.clients[actor] = client
        return client


def build(tmp_path, migrated_db, extra_actors=(), database_url=None) -> World:
    """The world on a copy of the migrated SQLite file, or on `database_url` (a fresh PostgreSQL database)."""
    directory = None
    if database_url is None:
        # In memory-backed /dev/shm when there is one: thousands of requests without waiting for the disk.
        shm = Path("/dev/shm")
        if shm.is_dir() and os.access(shm, os.W_OK):
            tmp_path = directory = Path(tempfile.mkdtemp(prefix="mentorbro-security-", dir=shm))
        path = tmp_path / "world.db"
        shutil.copy(migrated_db, path)
        database_url = f"sqlite:///{path}"
    app = _make_app(database_url)
    world = World(app, directory=directory)
    with app.test_request_context("/"):
        programme = seeded()
        make = lambda role, email, municipalities=(): authentication.create_user(
            email, email.split("@")[0].title(), role, PASSWORD, municipalities)
        u = world.users
        u["caseworker_a"] = make("caseworker", "cw-a@kk.dk", (MUNICIPALITY_A,))
        u["caseworker_b"] = make("caseworker", "cw-b@aarhus.dk", (MUNICIPALITY_B,))
        u["staff"] = make("staff", "staff@example.org")
        u["admin"] = make("admin", "admin@example.org")
        spare = authentication.create_user("invited@example.org", "Invited Person", "staff", None, ())
        referral = referrals.create(u["caseworker_a"], {
            "full_name": "Referred Person", "email": "referred@example.org", "phone": "", "municipality": MUNICIPALITY_A,
            "language": "en", "note": "Engineer, good English", "consent_how": "in_person",
            "consent_at": date.today(), "agreed": True, "mode": "invite"})
        waiting = approved(programme, name="Waiting Mentee")
        paired = approved(programme, name="Paired Mentee")
        u["mentor"] = mentor(capacity=2, email="morten@example.org")
        pair = pairing.accept(programme, paired, u["mentor"], paired.decided_by, date.today())
        # Logged by staff: the mentor has nothing to undo, so the walk leaves it for staff to (be asked to) delete.
        meeting = Meeting.create(pair=pair, held_on=date.today(), logged_by=paired.decided_by)
        # The mentor's six-month answer, a proposal staff confirm (the mentee's own link stays free to answer).
        answer = FollowUpAnswer.create(pair=pair, respondent="mentor", kind="job")
        # A mentor company that signed up and was approved, with its coordinator and a site; and one waiting.
        coordinated = Company.create(name="Coordinated ApS", cvr="30000013", sign_up_state="approved")
        coordinated_site = Site.create(company=coordinated, name="Odense office", address="Vestergade 1",
                                       postcode="5000", town="Odense C", municipality="461")
        u["coordinator"] = make("coordinator", "kim@coordinated.dk")
        User.update(company=coordinated).where(User.id == u["coordinator"].id).execute()
        signup = Company.create(name="Waiting ApS", cvr="30000021", sign_up_state="pending", contact_name="Wanda Waiting",
                                contact_email="wanda@waiting.dk", expected_mentors=2, signed_up_at=date.today())
    application = submitted(app, email="amal@example.org")
    assert application.municipality_id == MUNICIPALITY_A and application.status == "submitted"
    world.ids.update(
        reference=application.reference, application_public_id=application.public_id,
        referral_public_id=referral.public_id, referral_application=referral.application_id,
        waiting_public_id=waiting.public_id, programme_id=programme.id, pair_id=pair.id, meeting_id=meeting.id,
        paired_public_id=paired.public_id, follow_up_answer_id=answer.id,
        mentor_id=u["mentor"].id, spare_user=spare, spare_user_id=spare.id,
        company_id=Company.get(Company.name == "Demo IT A/S").id, signup_company_id=signup.id,
        coordinator_site_id=coordinated_site.id,
        step="about-you", static=STATIC_FILE.relative_to(STATIC_FILE.parents[1]).as_posix())
    for actor in (*ACTORS, *extra_actors):
        world.sign_in(actor)
    if not database.is_closed():
        database.close()
    return world
