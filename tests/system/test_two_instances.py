"""Two app instances (gunicorn, production config) on one PostgreSQL database behave as one portal."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal import create_app
from portal.db import database
from portal.models import Outbox
from portal.services import authentication
from tests.apply.helpers import VALID
from tests.system.servers import Browser, Instance

pytestmark = [pytest.mark.postgres, pytest.mark.system]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def instances(postgres_database, smtp_server, tmp_path):
    """Instances A and B: same database and SECRET_KEY, each its own process, port and email sender."""
    smtp_server.handler.messages.clear()
    shared = {"PORTAL_DATABASE_URL": postgres_database, "SECRET_KEY": "two-instances-secret",
              "PORTAL_ENV": "development",       # cookies without Secure: the test speaks plain http
              "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": str(smtp_server.port),
              "PORTAL_LOG_DIR": str(tmp_path),
              "PORTAL_LOGIN_DELAY_FIRST": "600"}     # seconds: a slow run makes no attempt on time by chance
    pair = [Instance(name, PORTAL_MAIL_SENDER=f"Instance {name} <{name.lower()}@mentorbro.dk>", **shared)
            for name in ("A", "B")]
    try:
        for instance in pair:
            instance.start()
        for instance in pair:
            instance.wait_until_ready()
        yield pair
    finally:
        for instance in pair:
            instance.stop()


@pytest.fixture
def local(postgres_database):
    """The same database seen from the test, for arranging users and reading the outbox."""
    app = create_app({"DATABASE_URL": postgres_database, "SECRET_KEY": "x", "TESTING": True})
    with app.test_request_context("/"):
        yield app
    database.close()


def start_application(browser, instance, name, email):
    for step in ("about-you", "contact"):
        data = {**VALID[step], **({"full_name": name} if step == "about-you" else {"email": email})}
        status, text, location = browser.post(f"{instance.url}/apply/{step}", data)
        assert status == 302, (step, text[:2000])


def test_a_draft_saved_through_one_instance_resumes_through_the_other(instances, smtp_server):
    a, b = instances
    applicant = Browser()
    start_application(applicant, a, "Amal Hassan", "amal@example.org")
    # The same browser goes on through B: its session and the draft are found there.
    status, text, _ = applicant.get(f"{b.url}/apply/about-you")
    assert status == 200 and 'value="Amal Hassan"' in text
    assert applicant.post(f"{b.url}/apply/residence", VALID["residence"])[0] == 302

    # Another browser opens the emailed one-time link (sent by A) on B, and sees every saved answer.
    [email] = [m for m in smtp_server.handler.to("amal@example.org")]
    link = re.search(r"http://\S+/apply/resume/\S+", email.get_content()).group(0)
    other = Browser()
    status, _, location = other.get(link.replace(a.url, b.url))
    assert status == 302 and location.endswith("/apply/education")
    assert 'value="Amal Hassan"' in other.get(f"{b.url}/apply/about-you")[1]
    assert 'value="amal@example.org"' in other.get(f"{a.url}/apply/contact")[1]


def test_login_throttling_counts_failures_on_both_instances(instances, local):
    a, b = instances
    user = authentication.create_user("staff@example.org", "Staff", "staff", PASSWORD)
    browser = Browser()
    for attempt in range(5):                     # five wrong passwords, alternating between A and B
        target = (a, b)[attempt % 2]
        status, _, _ = browser.post(f"{target.url}/login", {"email": user.email, "password": "wrong"})
        assert status == 200
    for target in (a, b):                        # each has seen fewer than five; together they have five
        status, text, _ = browser.post(f"{target.url}/login", {"email": user.email, "password": PASSWORD})
        assert status == 429, text[:2000]
    other = authentication.create_user("other@example.org", "Other", "staff", PASSWORD)
    assert browser.post(f"{b.url}/login", {"email": other.email, "password": PASSWORD})[0] == 302


def test_each_queued_email_is_sent_exactly_once_while_both_instances_send(instances, local, smtp_server):
    a, b = instances
    recipients = [f"applicant{n}@example.org" for n in range(24)]

    def apply(n):
        # Half the applicants use A, half B: each contact step queues a resume-link email, and after
        # every request both instances' senders work the one outbox at the same time.
        start_application(Browser(), (a, b)[n % 2], f"Applicant {n}", recipients[n])

    stop = threading.Event()

    def poke(instance):
        while not stop.is_set():
            Browser().get(f"{instance.url}/healthz")

    with ThreadPoolExecutor(8) as pool:
        pokers = [pool.submit(poke, instance) for instance in (a, b)]
        list(pool.map(apply, range(len(recipients))))
        stop.set()
        for poker in pokers:
            poker.result()
    # Cron on both machines, at the same moment, picks up anything the requests left.
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda instance: instance.run_cli("send-mail"), (a, b)))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]

    received = [m["To"] for m in smtp_server.handler.messages]
    assert sorted(received) == sorted(recipients)          # every email, and none twice
    rows = list(Outbox.select())
    assert len(rows) == len(recipients) and all(r.sent_at and r.attempts == 1 for r in rows)
    # Both instances sent some of them (each also sends what its own requests queued).
    assert {m["From"] for m in smtp_server.handler.messages} == {"Instance A <a@mentorbro.dk>",
                                                                 "Instance B <b@mentorbro.dk>"}
