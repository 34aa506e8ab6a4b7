"""Shared fixtures: run the real dbt CLI against a temporary DuckDB file and raw folder.

Six things keep the suite fast without weakening it (docs/development.md, "Tests"):

- **One sample warehouse per session.** The shipped sample is built once (every model, every
  dbt unit and data test, then `dbt docs generate`), started in the background by the
  controlling pytest process as the session begins, in a folder that every pytest-xdist worker
  shares; the tests that only read it open it read-only, and a test that needs to write (or to
  run dbt over it) works on its own copy (`SampleBuild.copy_to`).
- **Each source alone.** A source's end-to-end tests build `selector(<source>)`: that source
  and the accounting over every source, the others empty (selectors.yml).
- **One parse per worker.** dbt re-parses the whole project whenever the profile's connection
  settings or the project's environment variables change, and every test has its own raw
  folder and warehouse file. So each worker gives dbt the same paths every time: stable
  symbolic links (`<worker alias>/raw`, `/db`, `/work`) that are pointed at the test's own
  folders before each run, and dbt's saved `partial_parse.msgpack` is carried from one run of
  the same configuration to the next (`stable_env`). Only a new `--vars` value parses again.
- **Unit tests once.** dbt unit tests don't depend on the raw files, so the end-to-end builds
  leave them out (`DBT_EXCLUDE_RESOURCE_TYPES=unit_test`); the sample build runs all of them,
  and `test_dbt_unit_tests.py` checks that every one of them ran and passed there.
- **A heavy fixture on one worker.** All the tests of a module whose module or session
  fixture starts an engine or builds a warehouse of its own (`ONE_WORKER_MODULES`) go to one
  worker, so the fixture is set up once; the other tests are spread one by one, as with
  xdist's `load` (`pytest_xdist_make_scheduler` below). With plain `load`, a module's tests
  could land on both workers and each would set the fixture up: the streaming replay's 124 s
  fixture ran twice in a run of 4 modules on 2026-12-07. (xdist's own `--dist loadgroup`
  does not group with pytest 9.2: pytest-dev/pytest-xdist#1386.)
- **dbt imported once per process.** `dbt_cli` forks each dbt run from a server that has
  imported dbt already (dbt_fork.py): the same console entry point, a fresh process per run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb
import pytest

from dbt_fork import dbt_command

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
SAMPLE_RAW_DIR = PROJECT_DIR / "data" / "raw"
PARTIAL_PARSE = "partial_parse.msgpack"
BUILD_RESULTS = "build_run_results.json"


def selector(name: str) -> tuple[str, str]:
    """dbt arguments that build one source with the row accounting (`selectors.yml`)."""
    return ("--selector", f"{name}_with_accounting")


@dataclass
class DbtResult:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a query against the built warehouse, opened read-only."""
        with read_only(self.database) as con:
            return con.execute(sql).fetchall()


@contextmanager
def read_only(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        yield con
    finally:
        con.close()


def worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class _Alias:
    """The stable paths of this worker: links re-pointed before each dbt run (see above)."""

    root: Path | None = None

    @classmethod
    def configure(cls, root: Path) -> None:
        cls.root = root / f"dbt-alias-{worker_name()}"
        (cls.root / "parse-cache").mkdir(parents=True, exist_ok=True)

    @classmethod
    def point(cls, name: str, target: Path) -> Path:
        assert cls.root is not None, "the session fixture has not configured the alias"
        target.mkdir(parents=True, exist_ok=True)
        link = cls.root / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target.resolve(), target_is_directory=True)
        return link

    @classmethod
    def parse_cache(cls, key: str) -> Path:
        """dbt's saved parse for one configuration (paths, vars and the command's kind)."""
        assert cls.root is not None
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        return cls.root / "parse-cache" / f"{digest}.msgpack"


@pytest.fixture(scope="session", autouse=True)
def _dbt_alias(tmp_path_factory: pytest.TempPathFactory) -> None:
    _Alias.configure(tmp_path_factory.getbasetemp())


@dataclass
class StableEnv:
    """The environment of one dbt (or analytics-build) run on the worker's stable paths."""

    env: dict[str, str]
    database: Path  # the path dbt is given (through the alias)
    target: Path
    cache: Path

    def __enter__(self) -> dict[str, str]:
        if self.cache.exists() and not (self.target / PARTIAL_PARSE).exists():
            self.target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.cache, self.target / PARTIAL_PARSE)
        return self.env

    def __exit__(self, *exc: object) -> None:
        if (self.target / PARTIAL_PARSE).exists():
            shutil.copyfile(self.target / PARTIAL_PARSE, self.cache)


def stable_env(
    raw_dir: Path | str, database: Path, work_dir: Path, *args: str, kind: str = "dbt"
) -> StableEnv:
    """dbt_env with the paths dbt sees pointed through this worker's alias links, and dbt's
    saved parse carried over from the last run of the same configuration (see above).

    A trailing slash on raw_dir (given as a string) is kept: the warehouse must be the same
    with one. `kind` separates dbt runs from analytics-build runs (which give dbt the build
    copy's path, another profile); `args` matter for `--vars`.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    raw_link = _Alias.point("raw", Path(raw_dir))
    raw_arg = f"{raw_link}/" if str(raw_dir).endswith("/") else str(raw_link)
    db_link = _Alias.point("db", database.parent)
    work_link = _Alias.point("work", work_dir)
    env = dbt_env(Path(raw_arg), db_link / database.name, work_dir)
    env["DUCKDB_TEMP_DIR"] = str(work_link / "duckdb_tmp")
    vars_given = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--vars"]
    key = "|".join([kind, raw_arg, env["DUCKDB_PATH"], env["DUCKDB_TEMP_DIR"], *vars_given])
    return StableEnv(env, db_link / database.name, work_dir / "target", _Alias.parse_cache(key))


def run_dbt(
    raw_dir: Path | str,
    database: Path,
    *args: str,
    work_dir: Path | None = None,
    unit_tests: bool = False,
) -> DbtResult:
    """Run the dbt CLI in the project with RAW_DATA_DIR and DUCKDB_PATH pointing elsewhere.

    Target and log folders go to the test's own place so that tests never touch the developer's
    target/ and logs/. dbt sees the worker's stable alias paths (so that partial parsing
    applies); `DbtResult.database` is the real file. Unit tests are left out unless asked for.
    """
    work_dir = work_dir or database.parent
    with stable_env(raw_dir, database, work_dir, *args) as env:
        if not unit_tests:
            env["DBT_EXCLUDE_RESOURCE_TYPES"] = "unit_test"
        completed = dbt_cli(args, env)
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, database)


def project_command(argv: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A command of the project (dbt, analytics-build, ...) in the project folder, its output
    captured."""
    return subprocess.run(
        list(argv),
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def dbt_cli(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real dbt CLI in the project folder, its output captured: dbt's console entry point
    in a fresh process forked from one that imported dbt once (dbt_fork.py)."""
    if os.environ.get("DBT_FORK", "1") == "0":  # the console script, to compare or debug
        return project_command([str(DBT), "--no-use-colors", *args], env)
    return dbt_command(["--no-use-colors", *args], env, PROJECT_DIR)


def dbt_env(raw_dir: Path, database: Path, work_dir: Path) -> dict[str, str]:
    """The environment of a dbt (or analytics-build) run on temporary paths."""
    env = {
        **os.environ,
        "RAW_DATA_DIR": str(raw_dir),
        "DUCKDB_PATH": str(database),
        "DUCKDB_TEMP_DIR": str(work_dir / "duckdb_tmp"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NO_COLOR": "1",
    }
    env.pop("DBT_TARGET", None)
    env.pop("DBT_EXCLUDE_RESOURCE_TYPES", None)
    for name in list(env):
        if name.startswith("ANALYTICS_SMTP_") or name.startswith("ANALYTICS_ALERT_"):
            del env[name]
    return env


@pytest.fixture
def dbt_build(tmp_path: Path) -> Callable[..., DbtResult]:
    """dbt build of the raw folder given, into a fresh DuckDB file under tmp_path."""

    def build(raw_dir: Path, *args: str) -> DbtResult:
        return run_dbt(raw_dir, tmp_path / "warehouse.duckdb", "build", *args, work_dir=tmp_path)

    return build


@dataclass
class SampleBuild:
    """The session's one dbt build of the shipped sample and `dbt docs generate` over it.

    Shared by every worker: open `database` read-only only, and use `copy_to` for anything
    that writes (a second build, dbt commands, changed marts).
    """

    work_dir: Path
    database: Path
    raw_dir: Path
    build_output: str

    @property
    def target(self) -> Path:
        return self.work_dir / "target"

    def artifact(self, name: str) -> dict[str, Any]:
        return json.loads((self.target / name).read_text())

    def build_results(self) -> dict[str, Any]:
        """run_results.json of the `dbt build` (the docs step writes its own)."""
        return json.loads((self.work_dir / BUILD_RESULTS).read_text())

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with read_only(self.database) as con:
            return con.execute(sql).fetchall()

    def result(self) -> DbtResult:
        return DbtResult(0, self.build_output, self.database)

    def copy_to(self, folder: Path) -> Path:
        """A private copy of the built warehouse, as `folder/warehouse.duckdb`."""
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / "warehouse.duckdb"
        shutil.copyfile(self.database, copy)
        return copy


# The docs tests were written against this name; it is the same build.
DocsSite = SampleBuild


def _shared_dir(config: pytest.Config) -> Path:
    """The session's folder that every worker sees: the controller's base temporary folder."""
    base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


def _build_sample(work: Path) -> None:
    """`dbt build` (unit tests included) and `dbt docs generate` of the sample, into `work`."""
    database = work / "warehouse.duckdb"
    env = dbt_env(SAMPLE_RAW_DIR, database, work)
    output, returncode = "", 0
    for step in (("build",), ("docs", "generate")):
        done = dbt_cli(step, env)
        output += done.stdout + done.stderr
        returncode = done.returncode
        if returncode:
            break
        if step == ("build",):  # docs generate writes its own run results
            shutil.copyfile(work / "target" / "run_results.json", work / BUILD_RESULTS)
    wal = database.with_name(database.name + ".wal")
    if returncode == 0 and wal.exists():  # copies of the file alone would miss the build
        returncode = 1
        output += f"\n{wal} is left beside the warehouse: the build did not close DuckDB\n"
    (work / "outcome.json").write_text(json.dumps({"returncode": returncode, "output": output}))


_SAMPLE_THREAD: threading.Thread | None = None
SAMPLE_LOCK = "sample-build.lock"


def _locked_build(work: Path, handle: IO[str]) -> None:
    """Build the sample, holding the lock (taken by the caller) until it is done."""
    try:
        _build_sample(work)
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


#: the modules whose tests all run on one worker (see above): their fixtures start Spark,
#: a PostgreSQL server, the orchestrator, the dashboard and a browser, or build a warehouse
ONE_WORKER_MODULES = frozenset(
    {
        "test_spark.py",
        "test_postgres.py",
        "test_streaming_replay.py",
        "test_orchestrator.py",
        "test_dashboard_browser.py",
        "test_bench_peers.py",
    }
)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # optional: pytest -p no:xdist still runs
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `-n` and the default `--dist load`: one scope per module of ONE_WORKER_MODULES,
    one per test elsewhere (xdist's loadscope scheduler, which hands a worker a scope at a
    time, the scopes with the most tests first)."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerPerHeavyModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if Path(module).name in ONE_WORKER_MODULES else nodeid

    return OneWorkerPerHeavyModule(config, log)


def pytest_sessionstart(session: pytest.Session) -> None:
    """The controller starts the sample build at once, in the background, so that the workers
    run their other tests meanwhile instead of waiting for it. Not for a run that leaves the
    dbt tests out (`make check`); the fixture then builds it if a test asks for it."""
    global _SAMPLE_THREAD
    markexpr = session.config.getoption("markexpr", "") or ""
    if "PYTEST_XDIST_WORKER" in os.environ or "not dbt" in markexpr:
        return
    shared = _shared_dir(session.config)
    work = shared / "sample-build"
    work.mkdir(parents=True, exist_ok=True)
    handle = (shared / SAMPLE_LOCK).open("w")
    fcntl.flock(handle, fcntl.LOCK_EX)  # taken here, before any worker can ask for the sample
    _SAMPLE_THREAD = threading.Thread(target=_locked_build, args=(work, handle), daemon=True)
    _SAMPLE_THREAD.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _SAMPLE_THREAD is not None:
        _SAMPLE_THREAD.join(timeout=900)


@pytest.fixture(scope="session")
def sample_build(pytestconfig: pytest.Config) -> SampleBuild:
    """The session's one build of the sample: waits for the controller's background build
    (its lock), or builds it when nobody did."""
    shared = _shared_dir(pytestconfig)
    work = shared / "sample-build"
    outcome = work / "outcome.json"
    with (shared / SAMPLE_LOCK).open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if not outcome.exists():
                work.mkdir(parents=True, exist_ok=True)
                _build_sample(work)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    built = json.loads(outcome.read_text())
    assert built["returncode"] == 0, built["output"][-4000:]
    return SampleBuild(work, work / "warehouse.duckdb", SAMPLE_RAW_DIR, built["output"])


@pytest.fixture(scope="session")
def docs_site(sample_build: SampleBuild) -> SampleBuild:
    return sample_build
