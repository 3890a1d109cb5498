"""A PostgreSQL server for the benches that outlives one run, its data kept in a directory you name.

    .venv/bin/python bench/pg.py start --dir /work/benchdata/pg [--port 55432] \
        [--copy sqlite:////work/benchdata/bench-100000.db --name bench100k]
    .venv/bin/python bench/pg.py stop --dir /work/benchdata/pg

`start` creates the cluster on first use (Debian's binaries, as tests/postgres/server.py finds them;
as root the server runs as the postgres user), starts it with the settings bench/load.py used for
PostgreSQL (durable: fsync and synchronous commit on; shared_buffers 256MB; loopback only, trust),
and with --copy fills database --name from a SQLite bench database once (`flask copy-db`, then
ANALYZE). Prints the URL to give the benches' --database."""
import argparse
import os
import pwd
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres.server import SERVER_USER, find_bindir  # noqa: E402


def run(bindir, *command, check=True):
    command = [str(bindir / command[0]), *command[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if check and result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result


def start(args):
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL's server binaries are missing (apt-get install postgresql)")
    folder = Path(args.dir).resolve()
    data = folder / "data"
    if not data.exists():
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(folder, user.pw_uid, user.pw_gid)
        run(bindir, "initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
    if not (data / "postmaster.pid").exists():
        options = (f"-p {args.port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                   "-c shared_buffers=256MB")
        run(bindir, "pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "120",
            "-o", options, "start")
    url = f"postgresql://postgres@127.0.0.1:{args.port}/{args.name}"
    if args.copy:
        import psycopg2
        connection = psycopg2.connect(host="127.0.0.1", port=args.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.name,))
            exists = cursor.fetchone()
            if not exists:
                cursor.execute(f'CREATE DATABASE "{args.name}"')
        connection.close()
        if not exists:
            env = {**os.environ, "PORTAL_DATABASE_URL": args.copy, "SECRET_KEY": "bench"}
            subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "copy-db", "--to", url], cwd=ROOT,
                           env=env, check=True)
            connection = psycopg2.connect(url)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            connection.close()
    print(url)


def stop(args):
    bindir = find_bindir()
    data = Path(args.dir).resolve() / "data"
    if (data / "postmaster.pid").exists():
        run(bindir, "pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=55432)
    parser.add_argument("--copy", help="a SQLite bench database's URL to copy into --name once")
    parser.add_argument("--name", default="bench")
    args = parser.parse_args()
    (start if args.action == "start" else stop)(args)


if __name__ == "__main__":
    main()
