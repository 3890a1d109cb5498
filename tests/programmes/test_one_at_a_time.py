"""Two staff members (or admins) acting on the same programme at the same moment: the second waits for
the first and then sees its result, on SQLite and on PostgreSQL alike."""
import threading
import time
from datetime import date

from portal.models import Company, Pair, Programme, ProgrammeSite
from portal.services import cohorts, pairing
from tests.programmes.helpers import approved, mentor, setup


def race(app, first, second, module, slow, monkeypatch):
    """Run `first` in a thread that pauses inside `module.slow` (after its check, before its write), start
    `second` meanwhile, and return what each returned or raised."""
    checked, results = threading.Event(), {}
    real = getattr(module, slow)

    def paused(*args, **kwargs):
        value = real(*args, **kwargs)
        if threading.current_thread().name == "first":
            checked.set()
            time.sleep(0.6)                 # the second starts its own attempt meanwhile
        return value
    monkeypatch.setattr(module, slow, paused)

    def run(name, work):
        with app.test_request_context("/"):
            try:
                results[name] = work()
            except Exception as error:      # kept for the assertions
                results[name] = error
    one = threading.Thread(target=run, args=("first", first), name="first")
    one.start()
    assert checked.wait(10)
    two = threading.Thread(target=run, args=("second", second), name="second")
    two.start()
    one.join(20)
    two.join(20)
    return results["first"], results["second"]


def test_two_pairs_accepted_at_once_never_exceed_the_places(app, monkeypatch):
    programme = setup(app)
    with app.test_request_context("/"):
        Programme.update(capacity=1).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        mentees = [approved(programme, name=f"Mentee {n}") for n in (1, 2)]
        mentors = [mentor(email=f"racer{n}@example.org") for n in (1, 2)]
        staff = mentees[0].decided_by
    first, second = race(
        app, lambda: pairing.accept(programme, mentees[0], mentors[0], staff, date.today()),
        lambda: pairing.accept(programme, mentees[1], mentors[1], staff, date.today()),
        pairing, "free_places", monkeypatch)
    assert isinstance(first, Pair)
    assert isinstance(second, cohorts.MatchError) and second.args[0] == "programme_full"
    with app.app_context():
        assert Pair.select().where(Pair.programme == programme.id).count() == 1


def test_two_programmes_created_at_once_with_one_name_make_one(app, monkeypatch):
    setup(app)
    with app.app_context():
        company = Company.get()
        sites = frozenset(ps.site_id for ps in ProgrammeSite.select())
        staff = approved(Programme.get()).decided_by
    details = {"name": "Forløb 2030", "company_id": company.id, "site_ids": sites, "start_date": date(2030, 3, 1),
               "length_months": 6, "capacity": 25, "open_for_applications": False}
    first, second = race(app, lambda: cohorts.create_programme(details, staff),
                         lambda: cohorts.create_programme(details, staff), cohorts, "_problems", monkeypatch)
    assert isinstance(first, Programme)
    assert isinstance(second, cohorts.ProgrammeRefused)
    assert [p.code for p in second.problems] == ["name_taken"]
    with app.app_context():
        assert Programme.select().where(Programme.name == "Forløb 2030").count() == 1
