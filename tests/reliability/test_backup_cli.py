"""`flask --app wsgi backup PATH`: refused for PostgreSQL (use pg_dump), and never over an existing file."""
import sqlite3

import pytest

from portal import create_app


@pytest.mark.sqlite_only
def test_backup_writes_a_complete_standalone_copy_and_never_overwrites(app, tmp_path):
    target = tmp_path / "copy.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0 and "Backed up" in result.output, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)        # one file, no -wal needed
    assert copy.execute("SELECT count(*) FROM municipality").fetchone() == (98,)
    copy.close()
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_backup_of_postgresql_points_to_pg_dump(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://mentorbro:secret@127.0.0.1:1/mentorbro", "SECRET_KEY": "x",
                      "TESTING": True})
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    assert "secret" not in result.output and not (tmp_path / "copy.db").exists()
