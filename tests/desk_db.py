"""Databases for the desk's tests: SQLite in a temp folder, and a real PostgreSQL started here on a Unix socket.

The PostgreSQL server is Debian's (package postgresql; .ci/run installs it): a throw-away cluster made with
initdb in a temp folder, started with pg_ctl listening only on a socket in that folder, one fresh database
per test, stopped at the end of the module. PostgreSQL refuses to run as root, so as root the cluster belongs
to the postgres system user (created by the package; nobody when it is missing) and its commands run through
runuser. Without the binaries the tests fail, saying how to install them, unless POSTGRES_TESTS=0 leaves them
out on purpose.

Test modules import what they use: `from tests.desk_db import desk_url, postgres_server  # noqa: F401`.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from components.desk import store as desk_store

BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count(1)


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL programs (the newest version installed), or None."""
    root = Path("/usr/lib/postgresql")
    found = sorted((path for path in root.glob("*/bin") if (path / "initdb").exists() and (path / "pg_ctl").exists()), key=lambda p: float(p.parent.name) if p.parent.name.replace(".", "").isdigit() else 0)
    return found[-1] if found else None


def _owner() -> str | None:
    """The user the cluster runs as when the tests run as root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("no non-root user (postgres or nobody) to run PostgreSQL as")


def _run(owner: str | None, *command: str) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", owner, "--"] if owner else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, cwd="/")


class PostgresServer:
    def __init__(self, folder: Path, owner: str | None, bin_dir: Path):
        self.folder, self.owner, self.bin = folder, owner, bin_dir
        self.data = folder / "cluster"
        self.socket = folder

    def start(self) -> None:
        done = _run(self.owner, str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c max_connections=50"
        done = _run(self.owner, str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")
        if done.returncode:
            log = (self.folder / "server.log").read_text(errors="replace") if (self.folder / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr[-1000:]} {log[-2000:]}")

    def stop(self) -> None:
        _run(self.owner, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def create_database(self) -> str:
        import psycopg

        name = f"desk_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(host=str(self.socket), user="postgres", dbname="postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        with psycopg.connect(host=str(self.socket), user="postgres", dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def postgres_server():
    """A PostgreSQL server of its own for the module's tests (see the module docstring)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("POSTGRES_TESTS") == "0":
            pytest.skip("POSTGRES_TESTS=0: the PostgreSQL tests are left out on purpose")
        pytest.fail("The desk's tests need Debian's PostgreSQL (initdb, pg_ctl in /usr/lib/postgresql/*/bin). Install it with "
                    "`apt-get install -y postgresql` (.ci/run does), or leave these tests out on purpose with POSTGRES_TESTS=0.")
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="tda-pg-"))
    if owner:
        shutil.chown(folder, user=owner)
    server = PostgresServer(folder, owner, bin_dir)
    try:
        server.start()
        yield server
    finally:
        desk_store.dispose_engines()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def desk_url(request, tmp_path):
    """The database URL of a fresh, empty desk database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk-test.sqlite3'}"
        desk_store.dispose_engines()
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    desk_store.dispose_engines()
    server.drop_database(url)
