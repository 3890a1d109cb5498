"""A writer to be killed: `python -m tests.reliability.writer DATABASE_URL`, driven over stdin/stdout.

The process imports the portal once (a "zygote"); for each `fork` line it forks a child that writes
applications in a loop the way the portal does (a draft, eight steps, a resume link, submission, a
reviewer taking and approving it: several of these write three tables in one transaction), prints
`pid N`, waits for the child to die, and prints `reaped N SIGNAL`. The test kills the child at a random
moment. Forking here is safe: this process has one thread and no open database connection."""
import os
import signal
import sys
import traceback

from portal import create_app
from portal.db import database
from portal.models import Programme, User
from portal.services import decisions, registration

ANSWERS = {
    "about-you": {"full_name": "Killed Writer", "birth_year": 1988, "language": "en"},
    "contact": {"email": None, "phone": "+45 12 34 56 78", "address": "Nørrebrogade 1", "postcode": "2200",
                "municipality": "101"},
    "residence": {"country_of_origin": "SY", "arrival_year": 2016, "residence_basis": "7-1",
                  "reunified_with_basis": None},
    "education": {"entries": [{"level": "bachelor", "field": "Civil engineering", "country": "SY",
                               "year_finished": 2010, "danish_assessment": "yes"}]},
    "work": {"entries": [{"role": "Site engineer", "sector": "Construction", "years": 4.5, "country": "SY"}]},
    "languages": {"danish_level": "B1", "danish_test_passed": "no", "danish_test": None, "danish_course": "",
                  "danish_module": "", "english_level": "B2", "english_test_passed": "no", "english_test": None,
                  "english_test_score": None, "other_languages": "Arabic"},
    "goals": {"goals": ["job"], "wished_fields": "Engineering", "more": "x" * 1500},
    "consent": {"consent": True, "consent_version": "test"},
}


def say(line: str):
    """One line to the test in one write(2), so parent's and child's lines never interleave."""
    os.write(1, f"{line}\n".encode())


def write_forever(app, child: int):
    with app.test_request_context("/"):
        staff = User.get(User.role == "staff")
        programme = Programme.current()
        say(f"started {os.getpid()}")
        n = 0
        while True:
            n += 1
            application = registration.new_draft("en")
            for step, data in ANSWERS.items():
                if step == "contact":
                    data = {**data, "email": f"writer-{child}-{n}@example.org"}
                application = registration.save_step(application, step, data)
                if step == "contact":
                    registration.issue_resume_link(application)          # token + email, one transaction
            application = registration.submit(application)               # application, audit, email
            application = decisions.take(application, application.version, staff)
            decisions.approve(application, application.version, staff, programme)   # application, audit, emails


def main(url: str):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "writer", "MAIL_SEND_AFTER_REQUEST": False,
                      "BASE_URL": "http://127.0.0.1"})
    if not database.is_closed():
        database.close()
    children = 0
    for line in sys.stdin:
        if line.strip() != "fork":
            continue
        children += 1
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(app, children)
            except BaseException:
                traceback.print_exc()          # to stderr: the test shows it
                sys.stderr.flush()
            finally:
                os._exit(1)
        say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        killed_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        say(f"reaped {pid} {signal.Signals(killed_by).name if killed_by else 'exit'}")


if __name__ == "__main__":
    main(sys.argv[1])
