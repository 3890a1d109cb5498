"""A throwaway PostgreSQL server for one test session: Debian's server binaries, a temp dir, a free port.

Nothing shared or long-lived: the server lives in a fresh directory, listens on loopback and a socket in
that directory, trusts only local connections, and is stopped and deleted when the session ends."""
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.smtp import free_port

SERVER_USER = "postgres"          # the Debian package creates it; the server refuses to run as root


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: $PG_BINDIR, then PATH, then Debian's layout."""
    candidates = [os.environ.get("PG_BINDIR")]
    if shutil.which("initdb"):
        candidates.append(str(Path(os.path.realpath(shutil.which("initdb"))).parent))
    version = lambda path: int(re.search(r"/(\d+)/bin$", path).group(1))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for candidate in filter(None, candidates):
        if all(os.access(Path(candidate) / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    return None


def unavailable_reason() -> str | None:
    """Why no throwaway server can be started here, or None when one can."""
    if find_bindir() is None:
        return ("PostgreSQL's server binaries (initdb, pg_ctl) are missing; scripts/test.sh installs "
                "Debian's postgresql package when run as root (or set PG_BINDIR)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root but there is no '{SERVER_USER}' user to run the server as"
    return None


class PostgresServer:
    """initdb + pg_ctl in a temp dir; as root, the server runs as the unprivileged postgres user."""

    def __init__(self, bindir: Path, durable: bool = False):
        self.bindir = bindir
        self.durable = durable            # bench/load.py measures with the settings of a real server
        self.dir = Path(tempfile.mkdtemp(prefix="mentorbro-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.run_as = pwd.getpwnam(SERVER_USER) if os.geteuid() == 0 else None
        self.user = "postgres"

    def _run(self, *command):
        command = [str(self.bindir / command[0]), *command[1:]]
        if self.run_as:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, cwd=self.dir, capture_output=True, text=True, timeout=120)
        if result.returncode:
            log = (self.dir / "server.log")
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
                               + (log.read_text()[-3000:] if log.exists() else ""))
        return result

    def start(self):
        (self.dir / "owner.pid").write_text(str(os.getpid()))     # see reap_orphans()
        if self.run_as:
            os.chown(self.dir, self.run_as.pw_uid, self.run_as.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            # Durability is pointless for a server deleted at the end of the run; speed is not.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
        else:
            options += " -c shared_buffers=256MB"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")
        return self

    def stop(self):
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str, dbname: str = "postgres"):
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg2
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=dbname)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def create_database(self, name: str, template: str | None = None):
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop_database(self, name: str):
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reap_orphans(bindir: Path):
    """Stop and delete servers whose test process died without stopping them (killed, crashed)."""
    for folder in Path(tempfile.gettempdir()).glob("mentorbro-pg-*"):
        try:
            owner = int((folder / "owner.pid").read_text())
            os.kill(owner, 0)
            continue                                   # its owner still runs
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue                                   # starting right now, or not ours to judge
        server = PostgresServer.__new__(PostgresServer)
        server.bindir, server.dir, server.data = bindir, folder, folder / "data"
        server.run_as = pwd.getpwnam(SERVER_USER) if os.geteuid() == 0 else None
        try:
            server.stop()
        except (RuntimeError, subprocess.SubprocessError):
            shutil.rmtree(folder, ignore_errors=True)
