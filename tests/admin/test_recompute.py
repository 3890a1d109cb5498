"""Re-checking open applications after a rule change: advice only, counted, audited, in batches."""
import pytest
from peewee import DatabaseError, PostgresqlDatabase

from portal.db import database
from tests.admin.versions import versions
from portal.models import Application, AuditEvent, Company, Programme, RuleSetVersion, User
from portal.services import registration, rule_versions
from tests.admin.conftest import errors, rules_data, text
from tests.apply.helpers import fill

OPEN = ("submitted", "in_review", "needs_info")


def submitted(app, **changes) -> Application:
    """An application sent through the applicant's form (valid answers: Danish B1 by test, English B2)."""
    client = app.test_client()
    fill(client, **changes)
    assert client.post("/apply/submit").status_code == 302
    return Application.select().order_by(Application.id.desc()).get()


def clone(application, **columns) -> Application:
    """Another application with the same answers, inserted directly (a fast way to get many)."""
    fields = {"answers": application.answers, "birth_year": application.birth_year,
              "municipality": application.municipality_id, "programme": application.programme_id,
              "status": "submitted", "verdict": application.verdict, "eligibility": application.eligibility,
              "ruleset_version": application.ruleset_version, "completed_steps": application.completed_steps}
    return Application.create(**{**fields, **columns})


def raise_language_to_c1(admin, programme):
    response = admin.post(f"/admin/programmes/{programme.id}/rules", data=rules_data(programme, min_cefr="C1"))
    assert response.status_code == 302


def recompute(admin, programme, version):
    return admin.post(f"/admin/programmes/{programme.id}/recompute?lang=en", data={"version": str(version)})


def refreshed(application) -> Application:
    return Application.get_by_id(application.id)


def test_a_new_submission_stores_the_verdict_with_the_current_version(app, admin, programme):
    raise_language_to_c1(admin, programme)
    application = submitted(app)
    assert application.ruleset_version == 2 and application.eligibility["ruleset_version"] == 2
    assert application.verdict == "likely_not_eligible"        # Danish B1, English B2: below C1


def test_raising_the_language_minimum_changes_the_verdict_only_when_recomputed(app, admin, programme):
    application = submitted(app)
    assert (application.verdict, application.ruleset_version) == ("likely_eligible", 1)
    raise_language_to_c1(admin, programme)
    assert refreshed(application).verdict == "likely_eligible"        # saving alone changes no stored verdict

    confirm = text(admin.get(f"/admin/programmes/{programme.id}/recompute?lang=en"))
    assert "Erhvervsmentor 2027 has 1 open application" in confirm and "version 2 of the rules" in confirm
    assert "a person still decides" in confirm
    assert "Re-check open applications" in confirm and versions().count() == 2

    response = recompute(admin, programme, 2)
    assert response.headers["Location"].endswith(f"/admin/programmes/{programme.id}/rules")
    assert "Re-checked against version 2: 1 of 1 verdict changed." in text(admin.get(response.headers["Location"]))
    after = refreshed(application)
    assert (after.verdict, after.ruleset_version, after.status) == ("likely_not_eligible", 2, "submitted")
    language = next(r for r in after.eligibility["results"] if r["rule"] == "language")
    assert language["outcome"] == "fail" and language["params"]["min_cefr"] == "C1"
    assert after.eligibility == registration.assess(after).as_dict()     # the same as a fresh assessment


def test_the_run_is_one_audit_row_with_the_counts(app, admin, programme):
    first, second = submitted(app), submitted(app, languages={"english_level": "C1"})
    raise_language_to_c1(admin, programme)
    recompute(admin, programme, 2)
    [event] = AuditEvent.select().where(AuditEvent.action == "ruleset.recomputed")
    assert event.actor_id == admin.user.id and event.object_id == str(programme.id)
    assert event.details == {"version": 2, "checked": 2, "changed": 1,
                             "transitions": {"likely_eligible>likely_not_eligible": 1}}
    assert refreshed(first).verdict == "likely_not_eligible" and refreshed(second).verdict == "likely_eligible"
    assert refreshed(second).ruleset_version == 2


def test_running_again_changes_nothing_and_says_so(app, admin, programme):
    submitted(app)
    submitted(app)
    raise_language_to_c1(admin, programme)
    recompute(admin, programme, 2)
    response = recompute(admin, programme, 2)
    assert "Re-checked against version 2: 0 of 2 verdicts changed." in text(admin.get(response.headers["Location"]))


def test_only_open_applications_of_the_programme_are_rechecked_and_no_status_changes(app, admin, programme):
    original = submitted(app)
    decider = User.get(User.role == "admin")
    open_ones = [original, clone(original, status="in_review"), clone(original, status="needs_info")]
    closed = [clone(original, status=status) for status in ("draft", "withdrawn", "matched")]
    closed += [clone(original, status="approved", decided_by=decider, decision_reason="Good fit")]
    other_programme = Programme.create(name="Other", company=Company.get(), start_date=programme.start_date)
    closed.append(clone(original, programme=other_programme))
    raise_language_to_c1(admin, programme)

    result = rule_versions.recompute(programme, decider)
    assert (result.version, result.checked, result.changed) == (2, 3, 3)
    for application, status in zip(open_ones, OPEN):
        after = refreshed(application)
        assert (after.status, after.verdict, after.ruleset_version) == (status, "likely_not_eligible", 2)
    for application in closed:
        after = refreshed(application)
        assert (after.status, after.verdict, after.ruleset_version) == (application.status, "likely_eligible", 1)


def test_thousands_of_applications_are_rechecked_in_batches(app, admin, programme):
    original = submitted(app)
    rows = [{"answers": original.answers, "birth_year": original.birth_year, "municipality": original.municipality_id,
             "programme": programme.id, "status": OPEN[i % 3], "verdict": "likely_eligible",
             "eligibility": original.eligibility, "ruleset_version": 1, "public_id": f"bulk-{i}"}
            for i in range(2_999)]
    Application.insert_many(rows).execute()
    raise_language_to_c1(admin, programme)

    result = rule_versions.recompute(programme, admin.user, batch_size=400)
    assert (result.checked, result.changed) == (3_000, 3_000)
    assert Application.select().where(Application.ruleset_version == 2).count() == 3_000
    assert Application.select().where(Application.status.in_(OPEN)).count() == 3_000   # statuses untouched
    assert AuditEvent.select().where(AuditEvent.action == "ruleset.recomputed").count() == 1


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_batch_edges_count_every_application_once(app, admin, programme, size):
    original = submitted(app)
    for _ in range(5):
        clone(original)
    raise_language_to_c1(admin, programme)
    result = rule_versions.recompute(programme, admin.user, batch_size=size)
    assert (result.checked, result.changed) == (6, 6)


def test_confirming_an_old_version_recomputes_nothing(app, admin, programme):
    application = submitted(app)
    raise_language_to_c1(admin, programme)          # the admin's confirmation page still said version 1
    response = recompute(admin, programme, 1)
    assert response.status_code == 200
    assert errors(response) == ["The rules changed while you were deciding: version 2 is now current. "
                                "Check it, then confirm again."]
    assert 'name="version" type="hidden" value="2"' in text(response)
    assert refreshed(application).ruleset_version == 1
    assert not AuditEvent.select().where(AuditEvent.action == "ruleset.recomputed").exists()


def test_the_rules_page_links_to_the_confirmation_and_the_confirmation_posts(admin, programme):
    rules_page = text(admin.get(f"/admin/programmes/{programme.id}/rules?lang=en"))
    assert f'href="/admin/programmes/{programme.id}/recompute"' in rules_page
    confirm = text(admin.get(f"/admin/programmes/{programme.id}/recompute?lang=en"))
    assert f'<form method="post" action="/admin/programmes/{programme.id}/recompute"' in confirm
    assert "has 0 open applications" in confirm
    # a GET never recomputes
    assert not AuditEvent.select().where(AuditEvent.action == "ruleset.recomputed").exists()


def _fail_updates_of(application_id):
    """A real database fault: the database refuses to write this application (as a full disk or a lost
    connection would refuse a statement part way through a run)."""
    if isinstance(database.obj, PostgresqlDatabase):
        database.execute_sql("""CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'injected fault'; END $$""")
        database.execute_sql(f"""CREATE TRIGGER injected_fault BEFORE UPDATE ON application FOR EACH ROW
            WHEN (OLD.id = {int(application_id)}) EXECUTE FUNCTION injected_fault()""")
    else:
        database.execute_sql(f"""CREATE TRIGGER injected_fault BEFORE UPDATE ON application
            WHEN OLD.id = {int(application_id)} BEGIN SELECT RAISE(ABORT, 'injected fault'); END""")


def _mend():
    database.execute_sql("DROP TRIGGER injected_fault ON application" if isinstance(database.obj, PostgresqlDatabase)
                         else "DROP TRIGGER injected_fault")


def test_a_run_stopped_by_a_database_error_leaves_no_change_unrecorded_and_running_again_finishes(
        app, admin, programme):
    original = submitted(app)
    ids = [original.id, *[clone(original).id for _ in range(9)]]          # batches of 3: the 3rd fails
    raise_language_to_c1(admin, programme)
    with app.app_context():
        _fail_updates_of(ids[7])
        with pytest.raises(DatabaseError):
            rule_versions.recompute(programme, admin.user, batch_size=3)

        def rechecked():
            return [a.id for a in Application.select().where(Application.ruleset_version == 2).order_by(Application.id)]

        def recorded():
            batches = AuditEvent.select().where(AuditEvent.action == "ruleset.rechecked_batch")
            return {i for event in batches for i in ids if event.details["first_id"] <= i <= event.details["last_id"]}

        assert rechecked() == ids[:6]                       # the batches before the fault, whole
        assert set(rechecked()) <= recorded()               # and each with its audit row
        assert not AuditEvent.select().where(AuditEvent.action == "ruleset.recomputed").exists()   # unfinished

        _mend()
        result = rule_versions.recompute(programme, admin.user, batch_size=3)
        assert (result.checked, result.changed) == (10, 4)
        assert rechecked() == ids and set(ids) == recorded()
        [summary] = AuditEvent.select().where(AuditEvent.action == "ruleset.recomputed")
        assert summary.details["changed"] == 4 and summary.actor_id == admin.user.id
