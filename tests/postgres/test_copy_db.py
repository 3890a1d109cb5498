"""copy-db: a SQLite deployment moved to PostgreSQL, every row (audit log included), into an empty target only."""
import shutil

import pytest

from portal import create_app
from portal.db import database, make_database
from portal.models import ALL_MODELS, Application, AuditEvent, User
from portal.services import authentication

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, migrated_db):
    """A SQLite deployment with the demo data, synthetic applications and a few rows of every kind."""
    path = tmp_path_factory.mktemp("deployment") / "deployment.db"
    shutil.copy(migrated_db, path)
    app = _sqlite_app(path)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--applications", "300"])
    assert result.exit_code == 0, result.output
    with app.test_request_context("/"):
        user = authentication.create_user("Åse@example.org", "Åse Ørnsø", "caseworker", "a-long-password-1", ("101", "147"))
        authentication.authenticate("åse@example.org", "wrong password", "192.0.2.1")
        authentication.authenticate("åse@example.org", "a-long-password-1", "192.0.2.1")
        authentication.logout(user)
    database.close_all()          # closes the pooled connection for real: the WAL is folded into the file
    return path


@pytest.fixture
def sqlite_app(tmp_path, deployment):
    path = tmp_path / "deployment.db"
    shutil.copy(deployment, path)
    yield _sqlite_app(path)
    database.close()


def _sqlite_app(path):
    return create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "copy-test", "TESTING": True,
                       "MAIL_SEND_AFTER_REQUEST": False})


@pytest.fixture
def empty_postgres(postgres_server, request):
    name = f"copy_{request.node.name[-40:].strip('_').lower()}".replace("[", "_").replace("]", "")
    postgres_server.create_database(name)
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def rows_of(db, model):
    with db.connection_context():
        return list(model.select().order_by(model._meta.primary_key).tuples().execute(db))


def test_copy_db_moves_every_row_and_the_target_continues_the_ids(sqlite_app, empty_postgres):
    result = sqlite_app.test_cli_runner().invoke(args=["copy-db", "--to", empty_postgres])
    assert result.exit_code == 0, result.output
    assert "audit_event:" in result.output

    source, target = make_database(sqlite_app.config["DATABASE_URL"]), make_database(empty_postgres)
    for model in ALL_MODELS:
        before, after = rows_of(source, model), rows_of(target, model)
        assert len(before) == len(after), model.__name__
        # Every row of the small tables; a spread of rows (first, last, every 37th) of the large ones.
        sample = range(len(before)) if len(before) <= 200 else [*range(0, len(before), 37), len(before) - 1]
        for index in sample:
            assert after[index] == before[index], (model.__name__, index)
    with source.connection_context():
        assert Application.select().count(source) >= 300 and AuditEvent.select().count(source) > 300

    # The copied portal works on PostgreSQL: sequences continue after the copied ids.
    app = create_app({"DATABASE_URL": empty_postgres, "SECRET_KEY": "copy-test", "TESTING": True})
    with app.test_request_context("/"):
        highest = User.select().order_by(User.id.desc()).first().id
        assert authentication.create_user("new@example.org", "New", "staff", "a-long-password-2").id == highest + 1
        assert authentication.authenticate("ÅSE@example.org", "a-long-password-1", "192.0.2.2").name == "Åse Ørnsø"
    database.close()


def test_copy_db_refuses_a_target_that_holds_data(sqlite_app, empty_postgres):
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["copy-db", "--to", empty_postgres]).exit_code == 0
    again = runner.invoke(args=["copy-db", "--to", empty_postgres])
    assert again.exit_code != 0 and "not empty" in again.output
    target = make_database(empty_postgres)
    with target.connection_context():
        assert User.select().count(target) == rows_count(sqlite_app, User)


def test_copy_db_accepts_a_target_prepared_with_init_db(sqlite_app, empty_postgres):
    """init-db on the new server first (it loads the municipalities) is the natural order; that is still empty."""
    target_app = create_app({"DATABASE_URL": empty_postgres, "SECRET_KEY": "copy-test", "TESTING": True})
    assert target_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    database.close()
    result = sqlite_app.test_cli_runner().invoke(args=["copy-db", "--to", empty_postgres])
    assert result.exit_code == 0, result.output


def rows_count(app, model):
    db = make_database(app.config["DATABASE_URL"])
    with db.connection_context():
        return model.select().count(db)


def test_copy_db_reads_the_source_as_of_one_moment_while_it_takes_writes(sqlite_app, empty_postgres, monkeypatch):
    """A user and their first audit row written while the copy runs (after the user table was read) must
    not leave an audit row naming a user the copy lacks: the copy is of one moment, without both."""
    import sqlite3

    from portal import copy_db
    from portal.clock import now_utc

    path = sqlite_app.config["DATABASE_URL"].removeprefix("sqlite:///")
    real_batches, calls = copy_db._batches, []
    order = copy_db.copy_order()
    # SQLite starts reading a table when its query runs, before its rows are taken in batches: write while
    # the table before audit_event is taken, after user was read.
    audit_turn = order.index(AuditEvent)
    assert order.index(User) < audit_turn - 1

    def batches_with_a_write_midway(rows, size):
        calls.append(1)
        if len(calls) == audit_turn:
            with sqlite3.connect(path) as writer:
                user_id = writer.execute(
                    "INSERT INTO user (email, name, role, password_hash, active, session_version, language, created_at)"
                    " VALUES ('late@example.org', 'Late', 'staff', 'x', 1, 1, 'da', ?)", (now_utc().isoformat(),)
                ).lastrowid
                writer.execute("INSERT INTO audit_event (actor_id, actor_role, action, object_type, object_id, at, details)"
                               " VALUES (?, 'staff', 'user.login', 'user', ?, ?, '{}')",
                               (user_id, str(user_id), now_utc().isoformat()))
        return real_batches(rows, size)

    monkeypatch.setattr(copy_db, "_batches", batches_with_a_write_midway)
    before = {model: rows_count(sqlite_app, model) for model in (User, AuditEvent)}
    result = sqlite_app.test_cli_runner().invoke(args=["copy-db", "--to", empty_postgres])
    assert result.exit_code == 0, result.output
    target = make_database(empty_postgres)
    with target.connection_context():
        assert User.select().count(target) == before[User]
        assert AuditEvent.select().count(target) == before[AuditEvent]
    assert rows_count(sqlite_app, User) == before[User] + 1          # the write did happen, after the moment
