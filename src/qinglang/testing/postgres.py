"""A throw-away PostgreSQL server on loopback, started from the binaries installed on the machine.

Used by the test suite (``tests/conftest.py``) and usable by deployments that want to test against a real
server without installing one as a service::

    server = PostgresServer.start()          # raises PostgresUnavailable when no binaries are found
    url = server.create_database("scratch")   # postgresql://postgres@127.0.0.1:PORT/scratch
    ...
    server.stop()                             # stops the server and deletes its data directory

PostgreSQL refuses to run as root; when the current user is root the server runs as the unprivileged system
user ``qinglang-pg`` (created with ``useradd`` when missing). The server trusts connections on 127.0.0.1 and its
unix socket lives inside the private temporary directory; fsync is off because the data is thrown away.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SERVICE_USER = "qinglang-pg"
_PREFIX = "qinglang-pg-"
SUPERUSER = "postgres"
_SEARCH_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/opt/postgresql*/bin")
_SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c shared_buffers=32MB -c log_min_messages=warning"
)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries were found, or the server could not be started."""


def find_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: ``$PATH`` first, then the usual install locations
    (the newest version wins)."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl", path=str(Path(initdb).parent)):
        return Path(initdb).parent
    candidates = [Path(p) for pattern in _SEARCH_GLOBS for p in glob.glob(pattern)]
    usable = [p for p in candidates if (p / "initdb").is_file() and (p / "pg_ctl").is_file()]
    return max(usable, key=_version_key, default=None)


def _version_key(path: Path) -> tuple[int, ...]:
    digits = [part for part in path.parts if part.isdigit()]
    return tuple(int(d) for d in digits) or (0,)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_service_user() -> None:
    probe = subprocess.run(["id", "-u", SERVICE_USER], capture_output=True, check=False)
    if probe.returncode == 0:
        return
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
        capture_output=True,
        check=False,  # a parallel worker may have created it a moment ago
    )
    if subprocess.run(["id", "-u", SERVICE_USER], capture_output=True, check=False).returncode != 0:
        raise PostgresUnavailable(f"running as root and could not create the system user {SERVICE_USER!r}")


def reap_stale_servers(bindir: Path) -> list[Path]:
    """Stop and delete servers left behind by test processes that were killed before they could clean up."""
    reaped = []
    for root in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            owner = int((root / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        stale = PostgresServer(bindir=bindir, root=root, port=0)
        if os.geteuid() == 0:
            stale._as_user = ["runuser", "-u", SERVICE_USER, "--"]
        stale.stop()
        reaped.append(root)
    return reaped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class PostgresServer:
    """One running server. Build it with :meth:`start`; stop it with :meth:`stop`."""

    bindir: Path
    root: Path
    port: int
    _as_user: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @classmethod
    def start(cls, bindir: Path | None = None, attempts: int = 3) -> PostgresServer:
        bindir = bindir or find_bindir()
        if bindir is None:
            raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) found on PATH or under /usr/lib/postgresql")
        reap_stale_servers(bindir)
        root = Path(tempfile.mkdtemp(prefix=_PREFIX))
        (root / "owner.pid").write_text(str(os.getpid()))
        server = cls(bindir=bindir, root=root, port=0)
        try:
            server._prepare()
            server._start_with_retries(attempts)
        except BaseException:
            server._remove_files()
            raise
        return server

    def _prepare(self) -> None:
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            _ensure_service_user()
            shutil.chown(self.root, SERVICE_USER, SERVICE_USER)
            shutil.chown(self.socket_dir, SERVICE_USER, SERVICE_USER)
            self._as_user = ["runuser", "-u", SERVICE_USER, "--"]
        self._run(
            "initdb", "-D", str(self.datadir), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync", "--no-instructions",
        )

    def _start_with_retries(self, attempts: int) -> None:
        for attempt in range(attempts):
            self.port = free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} {_SERVER_OPTIONS}"
            log = self.root / "server.log"
            result = self._run(
                "pg_ctl", "start", "-D", str(self.datadir), "-l", str(log), "-w", "-t", "60", "-o", options,
                check=False,
            )
            if result.returncode == 0:
                return
            if attempt == attempts - 1:
                raise PostgresUnavailable(f"PostgreSQL did not start: {result.stderr.strip()}\n{_tail(log)}")

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [*self._as_user, str(self.bindir / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.root)
        if check and result.returncode != 0:
            raise PostgresUnavailable(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple]:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that) and return its rows."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (dropping an older one of that name) and return its URL."""
        self.drop_database(name)
        clause = f' TEMPLATE "{template}"' if template else ""
        self.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server at once and delete its files. Safe to call twice."""
        if self.datadir.exists():
            self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w", check=False)
        self._remove_files()

    def _remove_files(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


_SCHEMA_SQL = """
SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND c.relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY 1, 2
"""
_SEQUENCES_SQL = "SELECT schemaname, sequencename, start_value, last_value FROM pg_sequences ORDER BY 1, 2"


@dataclass
class DatabaseCloner:
    """Hands out databases equal to a template, fast: when the previous copy still has the template's schema,
    its rows are deleted and its sequences reset (milliseconds); otherwise it is dropped and cloned (slower).

    Tables that hold rows in the template (``alembic_version``, seeded data) are compared, not emptied; a copy
    whose seeded rows changed is cloned again.
    """

    server: PostgresServer
    template: str
    schema: list[tuple]
    seeded: dict[str, list[tuple]]
    empty_tables: list[str]
    sequences: list[tuple]

    @classmethod
    def for_template(cls, server: PostgresServer, template: str) -> DatabaseCloner:
        tables = [(ns, name) for ns, name, kind in server.execute(_SCHEMA_SQL, template) if kind in ("r", "p")]
        seeded: dict[str, list[tuple]] = {}
        empty: list[str] = []
        for ns, name in tables:
            qualified = f'"{ns}"."{name}"'
            rows = server.execute(f"SELECT * FROM {qualified} ORDER BY 1", template)
            if rows:
                seeded[qualified] = rows
            else:
                empty.append(qualified)
        return cls(server, template, server.execute(_SCHEMA_SQL, template), seeded, empty,
                   server.execute(_SEQUENCES_SQL, template))

    def fresh(self, name: str) -> str:
        """Database ``name`` as a fresh copy of the template; returns its URL."""
        if self._reusable(name):
            self._clear(name)
        else:
            self.server.create_database(name, template=self.template)
        return self.server.url(name)

    def _reusable(self, name: str) -> bool:
        if not self.server.execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            return False
        self.server.execute(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        if self.server.execute(_SCHEMA_SQL, name) != self.schema:
            return False
        return all(self.server.execute(f"SELECT * FROM {t} ORDER BY 1", name) == rows for t, rows in self.seeded.items())

    def _clear(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.server.url(name)) as conn:  # one transaction
            conn.execute("SET LOCAL session_replication_role = replica")  # skip foreign-key triggers
            for table in self.empty_tables:
                conn.execute(f"DELETE FROM {table}")
            for ns, seq, start, last in self.sequences:
                value, called = (last, True) if last is not None else (start, False)
                conn.execute("SELECT setval(%s, %s, %s)", (f'"{ns}"."{seq}"', value, called))


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
