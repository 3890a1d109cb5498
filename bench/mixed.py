"""A realistic mixed load against gunicorn: staff, caseworkers, applicants and mentors at once.

    .venv/bin/python bench/mixed.py --database sqlite:////work/benchdata/bench-100000.db [--seconds 60]
    .venv/bin/python bench/mixed.py --database postgresql://postgres@127.0.0.1:PORT/bench

Ten times a national programme's busiest hour (issue 18), for --seconds after everyone has signed in:
- 20 staff, each opening a queue view (one of several filters, a search, a later page) or an
  application's page every 2 s (half and half);
- 10 caseworkers, each opening their referrals list every 5 s (now and then with a search);
- 50 applicants, each saving a form step (about you, then contact, in turn) every 5 s, with a valid
  session and CSRF token, as a browser does;
- 20 mentors (the database's mentors, shared round-robin), each opening their page every 5 s.
Each virtual user runs in its own thread on a fixed schedule (a late answer does not push the next
request back: that would hide slowness) with a random start within its first period. The portal runs
under `gunicorn -c gunicorn.conf.py wsgi:app` with production settings (bench/load.py's Server, an
SMTP sink on loopback); bench/accounts.py's accounts are created or reset on the database.
Prints p50, p95, p99 and max per kind of user and overall, and the errors (anything but 200/302, or
no answer within 10 s). Targets: p95 < 50 ms, p99 < 150 ms, 0 errors.
"""
import argparse
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import accounts as bench_accounts  # noqa: E402
import load  # noqa: E402

QUEUE_VIEWS = ["", "status=submitted", "status=in_review", "verdict=likely_eligible", "verdict=needs_review",
               "municipality=101", "language=da", "source=referral", "assigned=nobody", "duplicate=yes",
               "q=Hassan", "q=Ahmadi", "sort=name", "page=2", "page=20", "status=submitted&municipality=101"]
CONTACT = {"email": "bench.person@example.org", "phone": "+45 70 10 20 30", "address": "Vestergade 1",
           "postcode": "2300", "municipality": "101"}


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = {}            # kind -> [ms]
        self.errors = {}             # kind -> [description]
        self.measuring = False

    def record(self, kind, ms, error=None):
        if not self.measuring:
            return
        with self.lock:
            self.samples.setdefault(kind, []).append(ms)
            if error:
                self.errors.setdefault(kind, []).append(error)


def timed(recorder, kind, url, data=None, cookie=""):
    started = time.perf_counter()
    try:
        status, body, cookie = load.fetch(url, data, cookie)
        error = None if status in (200, 302) else f"status {status}"
    except Exception as problem:                         # a refused or timed-out connection is an error
        status, body, error = None, "", f"{type(problem).__name__}: {problem}"
    recorder.record(kind, (time.perf_counter() - started) * 1000, error)
    return status, body, cookie


def sign_in(url, email, password):
    status, html, cookie = load.fetch(url + "/login")
    status, _, cookie = load.fetch(url + "/login", {"email": email, "password": password,
                                                    "csrf_token": load.csrf_of(html)}, cookie)
    assert status == 302, f"login of {email} failed ({status})"
    return cookie


def staff_user(url, cookie, references, recorder, stop, rng):
    def act():
        nonlocal cookie
        if rng.random() < 0.5:
            _, _, cookie = timed(recorder, "staff: queue view", f"{url}/review/?{rng.choice(QUEUE_VIEWS)}",
                                 cookie=cookie)
        else:
            _, _, cookie = timed(recorder, "staff: application page", f"{url}/review/{rng.choice(references)}",
                                 cookie=cookie)
    return act, 2.0


def caseworker_user(url, cookie, recorder, rng):
    def act():
        nonlocal cookie
        query = "" if rng.random() < 0.8 else "?q=" + rng.choice(["Hassan", "Ali", "Olena"])
        _, _, cookie = timed(recorder, "caseworker: referrals", f"{url}/referrals/{query}", cookie=cookie)
    return act, 5.0


def mentor_user(url, cookie, recorder, rng):
    def act():
        nonlocal cookie
        _, _, cookie = timed(recorder, "mentor: my mentees", f"{url}/mentor/", cookie=cookie)
    return act, 5.0


def applicant_user(url, recorder, rng):
    """A draft of one's own; then saves about-you and contact in turn (with its CSRF token)."""
    status, html, cookie = load.fetch(url + "/apply/about-you")
    token = load.csrf_of(html)
    status, _, cookie = load.fetch(url + "/apply/about-you", {**load.ABOUT_YOU, "csrf_token": token}, cookie)
    assert status == 302, f"first form step failed ({status})"
    turn = [0]

    def act():
        nonlocal cookie
        step, form = (("about-you", {**load.ABOUT_YOU, "birth_year": str(rng.randint(1970, 2000))})
                      if turn[0] % 2 == 0 else ("contact", CONTACT))
        turn[0] += 1
        status, _, cookie = timed(recorder, "applicant: save a step", f"{url}/apply/{step}",
                                  {**form, "csrf_token": token}, cookie)
    return act, 5.0


def run_user(act, period, stop, rng):
    next_at = time.monotonic() + rng.uniform(0, period)
    while not stop.is_set():
        delay = next_at - time.monotonic()
        if delay > 0 and stop.wait(delay):
            return
        act()
        next_at += period


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--caseworkers", type=int, default=10)
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument("--mentors", type=int, default=20)
    args = parser.parse_args()

    known = bench_accounts.ensure(args.database, staff=args.staff, caseworkers=args.caseworkers)
    env = {"PORTAL_DATABASE_URL": args.database, "SECRET_KEY": "bench-" + secrets.token_hex(8),
           "PORTAL_ENV": "production", "PORTAL_MAIL_SERVER": "127.0.0.1",
           "PORTAL_MAIL_PORT": str(load.mail_sink_port())}
    portal = load.Server("wsgi:app", env, "portal-mixed")
    recorder, stop, threads = Recorder(), threading.Event(), []
    try:
        load.log("signing in staff, caseworkers and mentors; starting the applicants' drafts…")
        first = sign_in(portal.url, *known["staff"][0])
        references = set()
        for query in ("", "status=submitted", "page=5", "verdict=needs_review"):
            _, html, first = load.fetch(f"{portal.url}/review/?{query}", cookie=first)
            references.update(re.findall(r"/review/(MB-[A-Z0-9]{4}-[A-Z0-9]{4})", html))
        references = sorted(references)
        users = []
        seed = random.Random(18)
        for n in range(args.staff):
            cookie = sign_in(portal.url, *known["staff"][n % len(known["staff"])])
            users.append(staff_user(portal.url, cookie, references, recorder, stop, random.Random(seed.random())))
        for n in range(args.caseworkers):
            cookie = sign_in(portal.url, *known["caseworker"][n % len(known["caseworker"])])
            users.append(caseworker_user(portal.url, cookie, recorder, random.Random(seed.random())))
        for n in range(args.mentors):
            cookie = sign_in(portal.url, *known["mentor"][n % len(known["mentor"])])
            users.append(mentor_user(portal.url, cookie, recorder, random.Random(seed.random())))
        for n in range(args.applicants):
            users.append(applicant_user(portal.url, recorder, random.Random(seed.random())))
        # A first request from each user before the clock starts (a browser that has the page open).
        for act, _ in users:
            act()
        recorder.measuring = True
        load_at_start = os.getloadavg()[0]
        started = time.monotonic()
        for act, period in users:
            thread = threading.Thread(target=run_user, args=(act, period, stop, random.Random(seed.random())),
                                      daemon=True)
            thread.start()
            threads.append(thread)
        loads = [load_at_start]
        while time.monotonic() - started < args.seconds:
            time.sleep(5)
            loads.append(os.getloadavg()[0])
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        recorder.measuring = False
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        portal.stop()

    kind = "PostgreSQL" if args.database.startswith("postgres") else "SQLite"
    print(f"\n{kind}, {args.database}; gunicorn -c gunicorn.conf.py ({os.cpu_count()} cores); {args.staff} staff, "
          f"{args.caseworkers} caseworkers, {args.applicants} applicants, {args.mentors} mentors for {elapsed:.0f} s; "
          f"load average {min(loads):.1f}–{max(loads):.1f} during the run; {time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| who: what | requests | per s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    everything, errors = [], []
    for name in sorted(recorder.samples):
        samples = recorder.samples[name]
        everything += samples
        errors += recorder.errors.get(name, [])
        print(f"| {name} | {len(samples)} | {len(samples) / elapsed:.1f} | {statistics.median(samples):.1f} | "
              f"{percentile(samples, 0.95):.1f} | {percentile(samples, 0.99):.1f} | {max(samples):.1f} | "
              f"{len(recorder.errors.get(name, []))} |")
    print(f"| **all** | {len(everything)} | {len(everything) / elapsed:.1f} | {statistics.median(everything):.1f} | "
          f"**{percentile(everything, 0.95):.1f}** | **{percentile(everything, 0.99):.1f}** | {max(everything):.1f} | "
          f"**{len(errors)}** |")
    if errors:
        print("\nerrors: " + "; ".join(sorted(set(errors))[:10]))


if __name__ == "__main__":
    main()
