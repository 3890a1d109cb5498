"""Sign-in throttling: counted before each check (so concurrent guesses get no more tries), a growing wait
instead of a lock, known devices let their owner in, and the owner is told by email once per episode."""
import re
import threading
from datetime import timedelta

import pyotp
import pytest
from itsdangerous import URLSafeTimedSerializer

from portal import mail
from portal.clock import now_utc
from portal.models import LoginThrottle, User
from portal.services import authentication
from tests.conftest import PASSWORD, login

WRONG = "not the password at all"
FREE = 5                       # LOGIN_FREE_FAILURES_PER_ACCOUNT's default


@pytest.fixture(autouse=True)
def first_wait_of_a_minute(app):
    """The tests through the app wait a minute, not a second, at first: a slow test run takes no extra
    attempt before its time, and `time_passes` moves the clock on instead."""
    app.config["LOGIN_DELAY_FIRST"] = timedelta(minutes=1)


def text(response) -> str:
    return response.get_data(as_text=True)


def time_passes(seconds: float) -> None:
    """As if `seconds` had passed for the sign-in throttle: its waits and last-use times move back."""
    delta = timedelta(seconds=seconds)
    for row in LoginThrottle.select():
        row.updated_at -= delta
        row.blocked_until = row.blocked_until - delta if row.blocked_until else None
        row.save()


def at_once(app, count, send):
    """`send(client, n)` from `count` threads, each with its own client (and database connection), let go
    together; their responses."""
    barrier = threading.Barrier(count)
    responses = [None] * count

    def run(n):
        client = app.test_client()
        barrier.wait()
        responses[n] = send(client, n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


# Point 3: counted before the check, atomically, so concurrency gains nothing


def test_concurrent_guesses_at_one_account_get_no_more_checks_than_the_free_ones(app, make_user):
    app.config["LOGIN_DELAY_FIRST"] = timedelta(hours=1)     # no second round while the threads run
    victim = make_user("staff")
    responses = at_once(app, 30, lambda client, n: client.post(
        "/login?lang=en", data={"email": victim.email, "password": f"guess {n}"}))
    checked = [r for r in responses if r.status_code == 200 and "email or password is not correct" in text(r)]
    refused = [r for r in responses if r.status_code == 429 and "Too many failed attempts" in text(r)]
    assert (len(checked), len(refused)) == (FREE, 30 - FREE)
    # and the right password, now, is not checked either
    assert login(app.test_client(), victim.email).status_code == 429


def test_concurrent_guesses_from_one_address_get_no_more_checks_than_the_free_ones(app, make_user):
    app.config.update(LOGIN_DELAY_FIRST=timedelta(hours=1), LOGIN_FREE_FAILURES_PER_ADDRESS=8)
    colleague = make_user("staff")
    responses = at_once(app, 30, lambda client, n: client.post(
        "/login?lang=en", data={"email": f"guess{n}@example.org", "password": WRONG}))
    assert sum(r.status_code == 200 for r in responses) == 8
    assert sum(r.status_code == 429 for r in responses) == 22
    assert login(app.test_client(), colleague.email).status_code == 429


def test_concurrent_codes_get_no_more_checks_than_the_free_ones(app, make_user):
    app.config["LOGIN_DELAY_FIRST"] = timedelta(hours=1)
    admin = make_user("admin")
    clients = []
    for _ in range(20):                   # the password is known: 20 sessions, each at the code step
        client = app.test_client()
        assert login(client, admin.email).status_code == 302
        clients.append(client)
    clients[0].get("/login/totp")          # enrol: the secret exists
    right = pyotp.TOTP(User.get_by_id(admin.id).totp_secret).now()
    wrong = f"{(int(right) + 500000) % 1000000:06d}"

    def send(_, n):
        return clients[n].post("/login/totp?lang=en", data={"code": wrong})
    responses = at_once(app, 20, send)
    assert sum("The code is not correct" in text(r) for r in responses) == FREE
    assert sum(r.status_code == 429 for r in responses) == 20 - FREE
    assert clients[0].post("/login/totp", data={"code": right}).status_code == 429
    assert clients[0].get("/admin/").status_code == 302


# Point 4: a growing wait, never a lock


def test_the_wait_starts_at_one_second_after_five_failures_and_doubles_up_to_fifteen_minutes(app, make_user):
    app.config["LOGIN_DELAY_FIRST"] = timedelta(seconds=1)                # the default
    user = make_user("staff")
    start = now_utc()
    with app.test_request_context("/"):
        for n in range(FREE):
            assert authentication.authenticate(user.email, WRONG, "192.0.2.7", now=start) is None
        waits, now = [], start
        for _ in range(14):
            with pytest.raises(authentication.Throttled) as early:
                authentication.authenticate(user.email, PASSWORD, "192.0.2.7", now=now)     # even the right one
            waits.append(early.value.wait)
            now += early.value.wait
            assert authentication.authenticate(user.email, WRONG, "192.0.2.7", now=now) is None
        assert [w.total_seconds() for w in waits] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]
        # after 19 failures, the right password, on time, gets in: nothing was locked
        now += timedelta(minutes=15)
        assert authentication.authenticate(user.email, PASSWORD, "192.0.2.7", now=now) == user
        # and the account's count started over (from another address: this one has had its 19 failures)
        assert authentication.authenticate(user.email, WRONG, "192.0.2.8", now=now) is None
        assert authentication.authenticate(user.email, PASSWORD, "192.0.2.8", now=now) == user


@pytest.mark.parametrize("language, words", [("en", "Wait 1 second and try again"),
                                             ("da", "Vent 1 sekund, og prøv igen")])
def test_a_refused_attempt_says_how_long_to_wait_and_keeps_the_email(app, client, make_user, language, words):
    user = make_user("staff")
    for _ in range(FREE):
        login(client, user.email, WRONG)
    time_passes(60 - 0.9)                 # 0.9 s of the minute are left: said as 1 second, rounded up
    response = client.post(f"/login?lang={language}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert words in text(response)
    assert f'value="{user.email}"' in text(response)
    time_passes(1)
    assert login(client, user.email).status_code == 302


def test_long_waits_are_said_in_minutes_rounded_up(app, client, make_user):
    app.config["LOGIN_DELAY_FIRST"] = timedelta(seconds=90)
    user = make_user("staff")
    for n in range(FREE):
        assert login(client, user.email, WRONG).status_code == 200
    response = client.post("/login?lang=en", data={"email": user.email, "password": WRONG})
    assert "Wait 2 minutes and try again" in text(response)
    assert 80 <= int(response.headers["Retry-After"]) <= 90


def test_a_quiet_day_starts_the_count_over(client, make_user):
    user = make_user("staff")
    for _ in range(FREE):
        login(client, user.email, WRONG)
    time_passes(24 * 3600 + 1)
    for _ in range(FREE - 1):
        assert login(client, user.email, WRONG).status_code == 200
    assert login(client, user.email).status_code == 302


def test_twenty_failures_from_an_address_slow_it_down_without_locking_it(app, client, make_user):
    colleague = make_user("caseworker")
    for n in range(20):
        assert login(client, f"guess{n}@example.org", WRONG).status_code == 200
    response = client.post("/login?lang=en", data={"email": colleague.email, "password": PASSWORD})
    assert response.status_code == 429 and re.search(r"Wait (1 minute|\d\d seconds) and try again", text(response))
    time_passes(60)
    assert login(client, colleague.email).status_code == 302
    # a success does not count against the address: the next one needs no wait
    assert login(app.test_client(), make_user("staff").email).status_code == 302


# Known devices


def test_a_device_that_signed_in_before_gets_its_owner_in_while_others_guess(app, make_user):
    user = make_user("staff")
    own = app.test_client()
    assert login(own, user.email).status_code == 302
    cookie = own.get_cookie("known_device", path="/login")
    assert cookie and cookie.http_only and cookie.max_age and cookie.max_age >= 90 * 24 * 3600
    own.post("/logout")
    attacker = app.test_client()
    for n in range(25):                                 # past the account's and the address's free failures
        login(attacker, user.email, f"guess {n}")
    assert login(attacker, user.email).status_code == 429
    assert login(app.test_client(), user.email).status_code == 429       # a new browser waits too
    assert login(own, user.email).status_code == 302                     # the owner's does not


def test_a_known_device_is_only_known_for_its_own_account_and_cannot_be_forged(app, make_user):
    user, other = make_user("staff"), make_user("staff")
    device = app.test_client()
    assert login(device, other.email).status_code == 302
    device.post("/logout")
    for _ in range(FREE):
        login(app.test_client(), user.email, WRONG)
    assert login(device, user.email).status_code == 429                  # known for `other`, not for `user`
    forged = app.test_client()
    forged.set_cookie("known_device", URLSafeTimedSerializer("a guessed key", salt="known-device").dumps(
        [[user.id, "made-up"]]), path="/login")
    assert login(forged, user.email).status_code == 429


def test_a_known_device_still_waits_after_its_own_failures(app, make_user):
    user = make_user("staff")
    device = app.test_client()
    assert login(device, user.email).status_code == 302
    device.post("/logout")
    for _ in range(FREE):
        assert login(device, user.email, WRONG).status_code == 200
    assert login(device, user.email).status_code == 429
    time_passes(60)
    assert login(device, user.email).status_code == 302


def test_an_admins_device_is_known_after_the_second_factor_and_skips_others_wrong_codes(app, make_user):
    from tests.conftest import pass_second_factor
    admin = make_user("admin")
    own = app.test_client()
    login(own, admin.email)
    assert own.get_cookie("known_device", path="/login") is None        # not before the code
    pass_second_factor(own, admin)
    assert own.get_cookie("known_device", path="/login") is not None
    own.post("/logout")
    attacker = app.test_client()
    login(attacker, admin.email)
    for _ in range(FREE + 1):
        attacker.post("/login/totp", data={"code": "000000"})
    assert attacker.post("/login/totp", data={"code": "000000"}).status_code == 429
    assert login(own, admin.email).status_code == 302
    pass_second_factor(own, admin)
    assert own.get("/admin/").status_code == 200


# The owner is told


def send_mail(app):
    with app.app_context():
        mail.send_pending()


@pytest.mark.parametrize("language, subject, words", [
    ("en", "Failed sign-ins to your Mentorbro account", "your account is not locked"),
    ("da", "Mislykkede log ind på din Mentorbro-konto", "din konto er ikke spærret")])
def test_the_owner_is_emailed_once_per_episode_in_their_language(app, inbox, make_user, language, subject, words):
    user = make_user("staff")
    User.update(language=language).where(User.id == user.id).execute()
    client = app.test_client()
    for n in range(FREE - 1):
        login(client, user.email, f"guess number {n}")
    send_mail(app)
    assert inbox.to(user.email) == []                   # a few typos tell nobody
    login(client, user.email, "guess number 4")
    for _ in range(6):                                  # the episode goes on: no more emails
        time_passes(900)
        login(client, user.email, "guess number 5")
    send_mail(app)
    [message] = inbox.to(user.email)
    body = message.get_content()
    assert message["Subject"] == subject and words in body
    assert "http://localhost/account/reset" in body
    assert "guess number" not in body and PASSWORD not in body
    # a success ends the episode; the next run of failures is told again
    time_passes(900)
    assert login(client, user.email).status_code == 302
    stranger = app.test_client()                        # (failures from the owner's own device tell nobody)
    for _ in range(FREE):
        login(stranger, user.email, WRONG)
    send_mail(app)
    assert len(inbox.to(user.email)) == 2


def test_no_email_for_failures_at_an_unknown_address(app, inbox, client):
    for _ in range(FREE + 2):
        login(client, "nobody@example.org", WRONG)
        time_passes(900)
    send_mail(app)
    assert inbox.messages == []


def test_wrong_codes_after_the_right_password_tell_the_admin_to_change_it(app, inbox, make_user):
    admin = make_user("admin")
    User.update(language="en").where(User.id == admin.id).execute()
    client = app.test_client()
    login(client, admin.email)
    client.get("/login/totp")
    for _ in range(FREE):
        client.post("/login/totp", data={"code": "000000"})
    response = client.post("/login/totp?lang=en", data={"code": "000000"})
    assert response.status_code == 429 and re.search(r"Wait (1 minute|\d\d seconds) and try again", text(response))
    send_mail(app)
    [message] = inbox.to(admin.email)
    assert message["Subject"] == "Wrong sign-in codes for your Mentorbro account"
    assert "someone knows your password" in message.get_content()
    assert "last at " in message.get_content() and str(now_utc().year) in message.get_content()


def test_the_waits_can_be_set_in_seconds_as_environment_variables_give_them(make_app, make_user):
    app = make_app(LOGIN_DELAY_FIRST=120, LOGIN_DELAY_MAX=900)     # PORTAL_LOGIN_DELAY_FIRST=120
    user = make_user("staff")
    client = app.test_client()
    for _ in range(FREE):
        login(client, user.email, WRONG)
    assert "Wait 2 minutes" in text(client.post("/login?lang=en", data={"email": user.email, "password": WRONG}))


def test_the_longest_email_the_form_takes_is_counted_like_any_other(client):
    email = "a" * 242 + "@example.org"                  # 254 characters: the form's limit
    for _ in range(FREE):
        assert login(client, email, WRONG).status_code == 200
    assert login(client, email, WRONG).status_code == 429
