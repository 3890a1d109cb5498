"""The command line: init-db, seed-demo, create-user."""
from portal.models import AuditEvent, Programme, Site, User, UserMunicipality


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_init_db_is_idempotent(app):
    result = run(app, "init-db")
    assert result.exit_code == 0 and "up to date" in result.output


def test_seed_demo_loads_once_and_prints_working_logins(app, tmp_path):
    app.instance_path = str(tmp_path)
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    assert "staff@demo.mentorbro.dk" in first.output and "caseworker@demo.mentorbro.dk" in first.output
    users_after_first = User.select().count()
    assert {u.role for u in User.select()} >= {"staff", "admin", "caseworker"}
    assert Site.select().count() >= 2 and Programme.select().count() >= 1
    caseworker = User.get(User.role == "caseworker")
    assert [m.municipality_id for m in caseworker.municipalities] == ["101"]

    second = run(app, "seed-demo")
    assert "nothing loaded" in second.output
    assert User.select().count() == users_after_first
    assert "staff@demo.mentorbro.dk" in second.output       # the logins are printed again

    line = next(l for l in second.output.splitlines() if l.startswith("staff\t"))
    _, email, password = line.split("\t")
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302


def test_create_user_with_municipality(app):
    result = run(app, "create-user", "cw@kk.dk", "--role", "caseworker", "--municipality", "101",
                 "--password", "a-long-enough-password")
    assert result.exit_code == 0, result.output
    user = User.get(User.email == "cw@kk.dk")
    assert user.role == "caseworker" and user.password_hash.startswith("$argon2id$")
    assert UserMunicipality.select().where(UserMunicipality.user == user).count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "user.created").count() == 1


def test_create_user_prompts_for_the_password(app):
    result = run(app, "create-user", "s@x.dk", "--role", "staff", input="a-long-enough-password\n" * 2)
    assert result.exit_code == 0, result.output


def test_create_user_refuses_bad_input_without_a_traceback(app):
    for args in (["cw@x.dk", "--role", "caseworker", "--password", "a-long-enough-password"],
                 ["cw@x.dk", "--role", "caseworker", "--municipality", "999", "--password", "a-long-enough-password"],
                 ["s@x.dk", "--role", "staff", "--password", "short"],
                 ["s@x.dk", "--role", "staff", "--password", "aaaaaaaaaaaa"],
                 ["s@x.dk", "--role", "staff", "--password", "password1234"],
                 ["sara.jensen@x.dk", "--role", "staff", "--name", "Sara Jensen", "--password", "Jensen Sara 1984"]):
        result = run(app, "create-user", *args)
        assert result.exit_code == 2 and "Traceback" not in result.output
    assert User.select().count() == 0


def test_create_user_says_why_a_password_is_refused(app):
    result = run(app, "create-user", "s@x.dk", "--role", "staff", "--password", "aaaaaaaaaaaa")
    assert result.exit_code == 2 and "Choose a less common password" in result.output
    result = run(app, "create-user", "s@x.dk", "--role", "staff", "--name", "Sara Jensen",
                 "--password", "Jensen Sara 1984")
    assert result.exit_code == 2 and "not made of the user's name" in result.output


def test_production_hashes_use_argon2id_at_full_cost():
    """The suite hashes cheaply (conftest); what the portal itself uses is RFC 9106's low-memory profile."""
    import importlib

    from portal import passwords
    fresh = importlib.reload(passwords)
    try:
        assert fresh.hash_password("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    finally:
        fresh.use_parameters(time_cost=1, memory_cost=1024, parallelism=1)


def test_seed_demo_creates_the_instance_folder_when_the_database_lives_elsewhere(app, tmp_path):
    """A fresh clone with PORTAL_DATABASE_URL set has no instance/ yet: the logins file goes there anyway."""
    app.instance_path = str(tmp_path / "fresh-clone" / "instance")
    result = run(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "staff@demo.mentorbro.dk" in result.output
    assert (tmp_path / "fresh-clone" / "instance" / "demo-logins.txt").exists()
