"""No personal data in the logs: canaries planted through the portal never appear in what it logs."""
import logging

from tests.apply.helpers import fill

CANARIES = {"name": "Zaynab Canaryname", "email": "canary.person@example.org", "cpr": "010190-1234",
            "password": "Canary-Password-123!"}


def test_planted_personal_data_never_reaches_the_logs(app, client, make_user, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    fill(client, **{"about-you": {"full_name": CANARIES["name"]},
                    "contact": {"email": CANARIES["email"], "address": CANARIES["cpr"]},
                    "goals": {"more": f"My CPR is {CANARIES['cpr']}"}})
    client.post("/apply/submit")
    client.get(f"/referrals/?q={CANARIES['name']}")
    client.post("/apply/about-you?validate=1", data={"full_name": CANARIES["name"], "birth_year": "x"})
    client.get(f"/status/?email={CANARIES['email']}")
    client.post("/status/", data={"reference": "MB-XXXX-XXXX", "email": CANARIES["email"]})
    user = make_user("staff", email="staff.canary@example.org")
    client.post("/login", data={"email": user.email, "password": CANARIES["password"]})
    client.post("/login", data={"email": CANARIES["email"], "password": CANARIES["password"]})
    client.get("/nope/" + CANARIES["email"])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    out, err = capfd.readouterr()
    assert sum(record.name == "portal.request" for record in caplog.records) >= 8    # the request log did run
    for label, value in CANARIES.items():
        for where, text in (("log records", logged), ("stderr", err), ("stdout", out)):
            assert value not in text, f"the {label} canary appeared in {where}"
