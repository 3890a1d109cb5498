"""Accounts with a known password for the benches: staff, caseworkers, mentors (on any bench database).

    .venv/bin/python bench/accounts.py --database sqlite:////work/benchdata/bench-100000.db

Staff and caseworkers are created through portal.services.authentication (bench-staff-N@example.org,
bench-caseworker-N@example.org, caseworkers in København, 101); every mentor already in the database
(seed-demo makes them, with the 2016 cohort's pairs) gets the same password. The password is set again
at every call, so nothing has to be kept between runs."""
import argparse
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.models import User  # noqa: E402
from portal.passwords import hash_password  # noqa: E402
from portal.services import authentication  # noqa: E402


def ensure(database_url: str, staff: int = 20, caseworkers: int = 10) -> dict[str, list[tuple[str, str]]]:
    """{role: [(email, password)]} for `staff` staff, `caseworkers` caseworkers and every mentor."""
    password = "bench-" + secrets.token_urlsafe(12)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "MAIL_SEND_AFTER_REQUEST": False})
    wanted = [("staff", f"bench-staff-{n}@example.org", f"Bench Staff {n}", ()) for n in range(1, staff + 1)]
    wanted += [("caseworker", f"bench-caseworker-{n}@example.org", f"Bench Caseworker {n}", ("101",))
               for n in range(1, caseworkers + 1)]
    with app.test_request_context("/"):
        for role, email, name, municipalities in wanted:
            if User.get_or_none(User.email == email) is None:
                authentication.create_user(email, name, role, password, municipalities)
        hashed = hash_password(password)     # one hash for all: the bench signs each in once
        emails = [email for _, email, _, _ in wanted]
        User.update(password_hash=hashed).where(User.email.in_(emails) | (User.role == "mentor")).execute()
        mentors = [u.email for u in User.select(User.email).where(User.role == "mentor").order_by(User.id)]
    found = {"staff": [], "caseworker": [], "mentor": [(email, password) for email in mentors]}
    for role, email, _, _ in wanted:
        found[role].append((email, password))
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    for role, rows in ensure(parser.parse_args().database).items():
        print(role, len(rows), rows[0][0] if rows else "-")
