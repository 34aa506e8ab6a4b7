"""A throwaway PostgreSQL cluster on 127.0.0.1, for development and the tests.

`analytics-postgres server start` initialises a cluster in `.postgres/` (git-ignored) with
Debian's PostgreSQL binaries, starts it on a free port and prints the environment variables
the `postgres` dbt target and the loader read (POSTGRES_HOST, POSTGRES_PORT, ...); `stop`
stops it. A real, shared server needs none of this: set the variables to point at it.

Two roles are made: `analytics_build` (owns the database; the only writer) and
`analytics_reader` (may read the published schemas, nothing else). PostgreSQL refuses to
run as root, so when this runs as root (CI) the cluster belongs to the `postgres` user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
DATABASE = "analytics"
BUILD_ROLE = "analytics_build"
READER_ROLE = "analytics_reader"


@dataclass(frozen=True)
class Server:
    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    password: str = "analytics"

    def env(self, role: str = BUILD_ROLE) -> dict[str, str]:
        """The environment the `postgres` dbt target and the loader read."""
        return {
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": role,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DATABASE": DATABASE,
        }


def _bin(name: str) -> str:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} was not found: install Debian's postgresql package "
            "(`apt-get install postgresql`; .ci/run does this)"
        )
    return found


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(data_dir: Path, port: int | None = None) -> Server:
    """Initialise (when new) and start a cluster in data_dir; wait until it accepts."""
    data_dir = data_dir.resolve()
    owner = "postgres" if os.geteuid() == 0 else None
    port = port or free_port()
    server = Server(data_dir, port)
    fresh = not (data_dir / "PG_VERSION").exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    if owner:
        info = pwd.getpwnam(owner)
        os.chown(data_dir, info.pw_uid, info.pw_gid)
        # the owner must reach the folder through its parents
        for parent in data_dir.parents:
            if parent.stat().st_mode & 0o001 == 0 and str(parent).startswith("/tmp"):
                parent.chmod(parent.stat().st_mode | 0o011)
    if fresh:
        pw_file = data_dir.parent / f".{data_dir.name}.pw"
        pw_file.write_text(server.password + "\n")
        if owner:
            os.chown(pw_file, info.pw_uid, info.pw_gid)
        subprocess.run(
            _as_owner(
                [
                    _bin("initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    "postgres",
                    "--auth=scram-sha-256",
                    f"--pwfile={pw_file}",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
        )
        pw_file.unlink()
    already = subprocess.run(
        [_bin("pg_isready"), "-h", server.host, "-p", str(port)], capture_output=True
    )
    if not fresh and already.returncode == 0:
        return server  # started before (`make postgres` twice)
    subprocess.run(
        _as_owner(
            [
                _bin("pg_ctl"),
                "-D",
                str(data_dir),
                "-l",
                str(data_dir / "server.log"),
                "-o",
                f"-p {port} -c listen_addresses=127.0.0.1 -k {data_dir} -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off",
                "-w",
                "start",
            ],
            owner,
        ),
        check=True,
        capture_output=True,
    )
    _wait(server)
    if fresh:
        _create_roles(server)
    return server


def _wait(server: Server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = subprocess.run(
            [_bin("pg_isready"), "-h", server.host, "-p", str(server.port)],
            capture_output=True,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL did not start; see {server.data_dir / 'server.log'}")


def _create_roles(server: Server) -> None:
    import psycopg2

    con = psycopg2.connect(
        host=server.host,
        port=server.port,
        user="postgres",
        password=server.password,
        dbname="postgres",
    )
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f"create role {BUILD_ROLE} login password %s", (server.password,))
        cur.execute(f"create role {READER_ROLE} login password %s", (server.password,))
        cur.execute(f"create database {DATABASE} owner {BUILD_ROLE}")
    con.close()


def create_database(server: Server, name: str) -> dict[str, str]:
    """A new, empty database owned by the build role; the environment that points at it."""
    import psycopg2

    con = psycopg2.connect(
        host=server.host,
        port=server.port,
        user="postgres",
        password=server.password,
        dbname="postgres",
    )
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'drop database if exists "{name}"')
        cur.execute(f'create database "{name}" owner {BUILD_ROLE}')
    con.close()
    return {**server.env(), "POSTGRES_DATABASE": name}


def stop(data_dir: Path) -> None:
    owner = "postgres" if os.geteuid() == 0 else None
    if (data_dir / "postmaster.pid").exists():
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", str(data_dir.resolve()), "-m", "fast", "stop"], owner),
            check=False,
            capture_output=True,
        )
