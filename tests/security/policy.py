"""Who may use every route: endpoint -> {method -> {actor -> expected answer}}.

Expected answers: "ok" (below 400 and not sent to a login page), "login" (sent to /login), 403, 404.
Adding a route without a row here fails tests/security/test_policy.py. Actors: see world.ACTORS."""
ANON, APPLICANT, CW_A, CW_B, STAFF_, ADMIN_, MENTOR_, COORD_ = (
    "anonymous", "applicant", "caseworker_a", "caseworker_b", "staff", "admin", "mentor", "coordinator")


def _row(anonymous="ok", applicant="ok", caseworker_a="ok", caseworker_b="ok", staff="ok", admin="ok", mentor="ok",
         coordinator="ok"):
    return {ANON: anonymous, APPLICANT: applicant, CW_A: caseworker_a, CW_B: caseworker_b, STAFF_: staff,
            ADMIN_: admin, MENTOR_: mentor, COORD_: coordinator}


PUBLIC = _row()
_SIGNED_IN_ONLY = dict(anonymous="login", applicant="login")           # applicants have no accounts
STAFF = _row(**_SIGNED_IN_ONLY, caseworker_a=403, caseworker_b=403, mentor=403, coordinator=403)
ADMIN = _row(**_SIGNED_IN_ONLY, caseworker_a=403, caseworker_b=403, staff=403, mentor=403, coordinator=403)
CASEWORKER = _row(**_SIGNED_IN_ONLY, staff=403, admin=403, mentor=403, coordinator=403)
CASEWORKER_OWN = _row(**_SIGNED_IN_ONLY, caseworker_b=404, staff=403, admin=403, mentor=403,   # the referral is in A
                      coordinator=403)
MENTOR = _row(**_SIGNED_IN_ONLY, caseworker_a=403, caseworker_b=403, staff=403, admin=403, coordinator=403)
# A company coordinator: their own company only (the world's site is theirs; tests/companies/test_coordinator.py
# proves another company's is not found).
COORDINATOR = _row(**_SIGNED_IN_ONLY, caseworker_a=403, caseworker_b=403, staff=403, admin=403, mentor=403)
SECOND_FACTOR = _row(**_SIGNED_IN_ONLY)      # signed-in users who need no (more) second factor are sent on


def both(row):
    return {"GET": row, "POST": row}


POLICY = {
    # public pages
    "public.index": {"GET": PUBLIC},
    "public.privacy": {"GET": PUBLIC},
    "public.healthz": {"GET": PUBLIC},
    "join.sign_up": both(PUBLIC),
    "join.thanks": {"GET": PUBLIC},
    "join.join": {"GET": PUBLIC},
    "join.become_a_mentor": {"GET": PUBLIC},
    "static": {"GET": PUBLIC},
    # the applicant's form and status pages (no accounts: the session and one-time links decide)
    "apply.start": {"GET": PUBLIC},
    "apply.step": both(PUBLIC),
    "apply.municipalities": {"GET": PUBLIC},
    "apply.check": {"GET": PUBLIC},
    "apply.submit": {"POST": PUBLIC},
    "apply.done": {"GET": PUBLIC},
    "apply.resume": {"GET": PUBLIC},
    "apply.saved": {"GET": PUBLIC},
    "status.start": both(PUBLIC),
    "status.sign_in": both(PUBLIC),
    "status.send_again": both(PUBLIC),
    "status.application": {"GET": PUBLIC},
    "status.edit": {"GET": PUBLIC},
    "status.withdraw": both(PUBLIC),
    "status.export": {"POST": PUBLIC},
    "status.delete": both(PUBLIC),
    "status.sign_out": {"POST": PUBLIC},
    "status.share_with_mentor": {"POST": PUBLIC},
    # the six-month question, answered from an emailed link (no accounts: the link decides)
    "follow_up.answer": both(PUBLIC),
    # signing in
    "auth.login": both(PUBLIC),
    "auth.second_factor": both(SECOND_FACTOR),
    "auth.logout": {"POST": PUBLIC},
    "accounts.reset": both(PUBLIC),
    "accounts.set_password": both(PUBLIC),
    # caseworkers: their municipalities' referrals only
    "referrals.index": {"GET": CASEWORKER},
    "referrals.new": both(CASEWORKER),
    "referrals.show": {"GET": CASEWORKER_OWN},
    "referrals.continue_together": {"POST": CASEWORKER_OWN},
    "referrals.resend": {"POST": CASEWORKER_OWN},
    # staff (admins too)
    "review.queue": {"GET": STAFF},
    "review.export": {"GET": STAFF},
    "review.application": {"GET": STAFF},
    "review.openings": {"GET": STAFF},
    "review.add_note": {"POST": STAFF},
    "review.decide": both(STAFF),
    "review.deletions": {"GET": STAFF},
    "review.delete_now": both(STAFF),
    "review.refuse_deletion": both(STAFF),
    "signups.index": {"GET": STAFF},
    "signups.sign_up": both(STAFF),
    "programmes.index": {"GET": STAFF},
    "programmes.mentors": {"GET": STAFF},
    "programmes.training": {"POST": STAFF},
    "programmes.programme": {"GET": STAFF},
    "programmes.start": {"POST": STAFF},
    "programmes.matching": {"GET": STAFF},
    "programmes.decide_match": {"POST": STAFF},
    "programmes.undo_rejection": {"POST": STAFF},
    "programmes.pair": {"GET": STAFF},
    "programmes.log_meeting": {"POST": STAFF},
    "programmes.delete_meeting": {"POST": STAFF},
    "programmes.milestone": {"POST": STAFF},
    "programmes.outcome": {"POST": STAFF},
    "programmes.end_early": {"POST": STAFF},
    "programmes.confirm_follow_up": {"POST": STAFF},
    "programmes.report": {"GET": STAFF},
    "programmes.report_csv": {"GET": STAFF},
    # mentors: their own pairs
    "mentor.index": {"GET": MENTOR},
    "mentor.profile": both(MENTOR),
    "mentor.log_meeting": {"POST": MENTOR},
    "mentor.undo_meeting": {"POST": MENTOR},
    "mentor.milestone": {"POST": MENTOR},
    # company coordinators: their own company
    "coordinator.index": {"GET": COORDINATOR},
    "coordinator.new_site": both(COORDINATOR),
    "coordinator.site": both(COORDINATOR),
    "coordinator.retire_site": {"POST": COORDINATOR},
    "coordinator.invite": both(COORDINATOR),
    # admins (after the second factor)
    "admin.index": {"GET": ADMIN},
    "admin.new_programme": both(ADMIN),
    "admin.edit_programme": both(ADMIN),
    "admin.rules": both(ADMIN),
    "admin.recompute": both(ADMIN),
    "admin.translations": {"GET": ADMIN},
    "admin.settings": both(ADMIN),
    "accounts.users": {"GET": ADMIN},
    "accounts.invite": both(ADMIN),
    "accounts.change_active": both(ADMIN),
    "accounts.resend": {"POST": ADMIN},
    "companies.index": both(ADMIN),
    "companies.company": both(ADMIN),
    "companies.mentors": {"GET": ADMIN},
    "companies.mentor": both(ADMIN),
}

# How each route's URL arguments are filled from the world (world.ids keys; "fresh:<kind>" = a new link).
ARGUMENTS = {
    "*": {"reference": "reference", "programme_id": "programme_id", "pair_id": "pair_id", "meeting_id": "meeting_id",
          "company_id": "company_id", "step": "step", "filename": "static"},
    "referrals.show": {"public_id": "referral_public_id"},
    "referrals.continue_together": {"public_id": "referral_public_id"},
    "referrals.resend": {"public_id": "referral_public_id"},
    "programmes.decide_match": {"public_id": "waiting_public_id"},
    "programmes.undo_rejection": {"public_id": "waiting_public_id", "user_id": "mentor_id"},
    "signups.sign_up": {"company_id": "signup_company_id"},
    "coordinator.site": {"site_id": "coordinator_site_id"},
    "coordinator.retire_site": {"site_id": "coordinator_site_id"},
    "programmes.training": {"user_id": "mentor_id"},
    "companies.mentor": {"user_id": "mentor_id"},
    "accounts.change_active": {"user_id": "spare_user_id", "action": "=reactivate"},
    "accounts.resend": {"user_id": "spare_user_id"},
    "review.decide": {"action": "=take"},
    "apply.resume": {"token": "fresh:resume"},
    "status.sign_in": {"token": "fresh:status"},
    "accounts.set_password": {"token": "fresh:invite"},
    "follow_up.answer": {"token": "fresh:follow_up", "answer": "=job"},
    "programmes.confirm_follow_up": {"answer_id": "follow_up_answer_id"},
}
