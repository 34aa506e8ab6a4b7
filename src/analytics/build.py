"""`analytics-build`: the production build (`make build`).

DuckDB allows one writer process or many readers, never both. So the build never writes the
published warehouse in place:

1. it checks the run-time parameters and that RAW_DATA_DIR holds at least one source folder,
   and takes two locks: one build at a time per warehouse, and per dbt target folder;
2. it copies the published file (when there is one) to `<warehouse dir>/.build/`, and runs
   `dbt build` against the copy, so incremental models and the run history carry on. With
   no selection given it builds the `production` selector (every model, seed and snapshot,
   and the data tests that guard what analysts read); unit tests are left out (they run in
   `make test` with every data test); and dbt keeps its own target folder per
   warehouse (`target/build-<name>`), so partial parsing applies from one build to the next
   and plain dbt commands in `target/` don't make it parse again;
3. only when dbt succeeds, and no source that has rows in the published warehouse came
   without files this time (a wrong RAW_DATA_DIR; ANALYTICS_ALLOW_MISSING_SOURCES allows it
   on purpose), does it replace the published file with the copy, in one atomic rename. An
   analyst who holds the old file open keeps reading the previous complete version (the old
   file stays alive until they close it); a new connection sees the new data;
4. when dbt fails, is killed or crashes, the published file is left exactly as it was; the
   failed copy is kept as `.build/last_failed.duckdb` for inspection, its run history is kept
   for the next build to publish, and an alert e-mail goes out when SMTP is configured. The
   alert lists the failed nodes and the build's warnings.

The published file is written in DuckDB's storage format v1.0.0 (`STORAGE_VERSION`), which
every DuckDB 1.x client and the DuckDB CLI read, as well as DuckDB 2.0 itself.

With ANALYTICS_BUILD_RESULTS set to a path, a copy of dbt's run_results.json is kept there
(the orchestrator, `make orchestrate`, reads each build's results from it).

Plain `dbt build` (development) writes DUCKDB_PATH directly and does none of this.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analytics.alerts import send_failure_alert

DEFAULT_DATABASE = Path("warehouse/analytics.duckdb")
DEFAULT_RAW_DATA_DIR = Path("data/raw")
# The folders of RAW_DATA_DIR, one per source system; audit.row_accounting names each
# streaming entity as streaming_<entity>.
SOURCES = ("bank", "trades", "sales", "streaming", "retail")
ALLOW_MISSING = "ANALYTICS_ALLOW_MISSING_SOURCES"
# Where to keep a copy of this build's run_results.json (an orchestrator reads it after the
# build, when another build may already be writing the target folder); unset, none is kept.
RESULTS_COPY = "ANALYTICS_BUILD_RESULTS"
# The start of the message when another build holds a lock: a failure that can pass on retry.
LOCKED = "another build holds"
# The oldest storage format that holds everything the warehouse uses; DuckDB 2.0 writes its
# own newer format unless told otherwise, which DuckDB 1.x clients can't open.
STORAGE_VERSION = "v1.0.0"
# Characters that never belong in a path we splice into SQL or pass to the file system.
_UNSAFE_PATH = re.compile(r"['\"`;\x00-\x1f\\]")


class BuildError(Exception):
    """The build cannot start; the message says why, for a person to read."""


@dataclass
class BuildOutcome:
    returncode: int
    published: bool
    failed_nodes: list[str] = field(default_factory=list)
    log_path: Path | None = None
    failed_copy: Path | None = None
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


def validate_path(name: str, value: str) -> Path:
    """A path from the environment, refused when it could break out of a SQL string."""
    if not value or _UNSAFE_PATH.search(value):
        raise BuildError(
            f"{name}={value!r} is not allowed: paths may not contain quotes, backslashes, "
            "semicolons or control characters"
        )
    return Path(value)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"{LOCKED} {path}; wait for it to finish and try again") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copy_database(source: Path, target: Path) -> None:
    """Copy a DuckDB file (and its WAL, if a crashed writer left one) next to the build."""
    for suffix in ("", ".wal"):
        stale = Path(str(target) + suffix)
        stale.unlink(missing_ok=True)
    if source.exists():
        shutil.copyfile(source, target)
        wal = Path(str(source) + ".wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(target) + ".wal"))


def storage_version(database: Path) -> str | None:
    """The storage format of a DuckDB file, as DuckDB names it (`v1.0.0+`, `v2.0.0+`)."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            "select tags['storage_version'] from duckdb_databases()"
            " where database_name = current_database()"
        ).fetchone()
    return row[0] if row else None


def ensure_storage_version(database: Path) -> bool:
    """Rewrite `database` in STORAGE_VERSION when it is in another format; True if it was.

    A warehouse published before the format was pinned is in DuckDB 2.0's own format; it is
    copied once, table by table, into a file of the pinned format (`COPY FROM DATABASE`).
    """
    if not database.exists() or storage_version(database) == f"{STORAGE_VERSION}+":
        return False
    converted = database.with_name(database.name + ".converting")
    converted.unlink(missing_ok=True)
    with duckdb.connect() as con:
        con.execute(f"attach '{database}' as old_format (read_only)")
        con.execute(f"attach '{converted}' as new_format (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database old_format to new_format")
    os.replace(converted, database)
    Path(str(database) + ".wal").unlink(missing_ok=True)
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(build_copy: Path, published: Path) -> None:
    """Atomically replace the published file with the finished build."""
    # dbt has exited, so DuckDB has checkpointed; a leftover WAL would belong to the copy.
    leftover_wal = Path(str(build_copy) + ".wal")
    if leftover_wal.exists():
        with duckdb.connect(str(build_copy)) as con:
            con.execute("checkpoint")
    with build_copy.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(build_copy, published)
    Path(str(published) + ".wal").unlink(missing_ok=True)
    _fsync_dir(published.parent)


def _node_problems(run_results: Path) -> tuple[list[str], list[str]]:
    """The failed nodes and the warnings of a dbt run, one line each, for people to read."""
    try:
        results = json.loads(run_results.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return [], []
    failed, warnings = [], []
    for result in results:
        status = result.get("status")
        if status not in ("error", "fail", "runtime error", "warn"):
            continue
        # unique ids read resource_type.project.name[.hash]
        kind, _, name = result["unique_id"].split(".")[:3]
        message = " ".join((result.get("message") or "").split())[:500]
        line = f"{kind} {name} ({status}): {message}"
        (warnings if status == "warn" else failed).append(line)
    return failed, warnings


def _files_per_source(database: Path) -> dict[str, tuple[int, int]]:
    """(files, rows read) per source system in a warehouse's audit.row_accounting."""
    if not database.exists():
        return {}
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "select count(*) from duckdb_tables()"
            " where schema_name = 'audit' and table_name = 'row_accounting'"
        ).fetchone()
        if not found or not found[0]:
            return {}
        rows = con.execute(
            "select split_part(source_name, '_', 1), count(*), coalesce(sum(rows_read), 0)"
            " from audit.row_accounting group by 1"
        ).fetchall()
    return {source: (int(files), int(read)) for source, files, read in rows}


def allowed_missing_sources(value: str) -> set[str]:
    """ANALYTICS_ALLOW_MISSING_SOURCES: source names separated by commas, or `all`."""
    names = {name.strip() for name in value.split(",") if name.strip()}
    if "all" in names:
        return set(SOURCES)
    unknown = sorted(names - set(SOURCES))
    if unknown:
        raise BuildError(
            f"{ALLOW_MISSING}={value!r} names no source system: {', '.join(unknown)} "
            f"(the sources are {', '.join(SOURCES)}, or all)"
        )
    return names


def check_raw_dir(raw_dir: Path, allowed: set[str]) -> None:
    """Refuse a RAW_DATA_DIR that holds none of the source folders: a wrong folder, surely."""
    if not raw_dir.is_dir():
        raise BuildError(f"RAW_DATA_DIR={raw_dir} is not a folder")
    if any((raw_dir / source).is_dir() for source in SOURCES) or allowed >= set(SOURCES):
        return
    raise BuildError(
        f"RAW_DATA_DIR={raw_dir} holds none of the source folders ({', '.join(SOURCES)}): "
        f"is it the right folder? Nothing was built. To build an empty warehouse on purpose, "
        f"set {ALLOW_MISSING}=all"
    )


def vanished_sources(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]], allowed: set[str]
) -> list[str]:
    """Sources that had rows in the published warehouse and have no file in this build."""
    return sorted(
        source
        for source, (_, rows) in before.items()
        if rows > 0 and after.get(source, (0, 0))[0] == 0 and source not in allowed
    )


def vanished_refusal(vanished: Sequence[str], raw_dir: Path) -> tuple[str, list[str]]:
    """Why a build with vanished sources is not published: the summary and the failed list."""
    summary = (
        f"no files for {', '.join(vanished)} in RAW_DATA_DIR={raw_dir}, which has rows"
        " in the published warehouse: refusing to publish a warehouse without them. If"
        f" the source was retired on purpose, build with {ALLOW_MISSING}={','.join(vanished)}"
    )
    return summary, [f"source {source}: no files" for source in vanished]


def _save_failed_history(failed_copy: Path, pending_dir: Path) -> None:
    """Keep a failed build's run history, for the next successful build to publish."""
    try:
        with duckdb.connect(str(failed_copy), read_only=True) as con:
            tables = {
                row[0]
                for row in con.execute(
                    "select table_name from duckdb_tables() where schema_name = 'audit'"
                ).fetchall()
            }
            if not {"run_history", "node_history"} <= tables:
                return
            pending_dir.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            for table in ("run_history", "node_history"):
                target = pending_dir / f"{stamp}_{table}.parquet"
                con.execute(f"copy audit.{table} to '{target}' (format parquet)")
    except duckdb.Error as error:
        print(f"analytics-build: could not keep the failed run's history: {error}", file=sys.stderr)


def _load_pending_history(build_copy: Path, pending_dir: Path) -> list[Path]:
    """Merge failed builds' history into the build copy; returns the files merged."""
    files = sorted(pending_dir.glob("*_run_history.parquet")) if pending_dir.exists() else []
    if not files or not build_copy.exists():
        return []
    merged: list[Path] = []
    with duckdb.connect(str(build_copy)) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'audit'"
            ).fetchall()
        }
        if not {"run_history", "node_history"} <= tables:
            return []
        for runs in files:
            nodes = runs.with_name(runs.name.replace("_run_history", "_node_history"))
            for table, path in (("run_history", runs), ("node_history", nodes)):
                if path.exists():
                    con.execute(
                        f"insert into audit.{table} by name "
                        f"select * from read_parquet('{path}') "
                        f"where invocation_id not in (select invocation_id from audit.{table})"
                    )
                    merged.append(path)
    return merged


SELECTION_ARGS = ("-s", "--select", "--selector", "--exclude", "--models", "-m")


def _default_dbt_args(dbt_args: Sequence[str]) -> list[str]:
    """What production runs unless told otherwise: the `production` selector (every model,
    seed and snapshot and the tests that guard what analysts read), without dbt unit tests
    (they don't read the data; `make test` runs them)."""
    args = list(dbt_args)
    if not any(arg.split("=")[0] in SELECTION_ARGS for arg in args):
        args += ["--selector", "production"]
    chosen = any(arg.startswith(("--resource-type", "--exclude-resource-type")) for arg in dbt_args)
    if not chosen and not (
        os.environ.get("DBT_RESOURCE_TYPES") or os.environ.get("DBT_EXCLUDE_RESOURCE_TYPES")
    ):
        args += ["--exclude-resource-type", "unit_test"]
    return args


def _default_target_path(published: Path) -> Path:
    """dbt's target folder of one warehouse: its own partial parse and artefacts."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", published.stem) or "warehouse"
    digest = hashlib.sha256(str(published.resolve()).encode()).hexdigest()[:8]
    return Path("target") / f"build-{name}-{digest}"


def run_build(dbt_args: Sequence[str], *, dbt: str | None = None) -> BuildOutcome:
    published = validate_path("DUCKDB_PATH", os.environ.get("DUCKDB_PATH", str(DEFAULT_DATABASE)))
    raw_dir = validate_path(
        "RAW_DATA_DIR", os.environ.get("RAW_DATA_DIR", str(DEFAULT_RAW_DATA_DIR))
    )
    allowed = allowed_missing_sources(os.environ.get(ALLOW_MISSING, ""))
    check_raw_dir(raw_dir, allowed)
    published.parent.mkdir(parents=True, exist_ok=True)
    work_dir = published.parent / ".build"
    build_copy = work_dir / published.name
    failed_copy = work_dir / "last_failed.duckdb"
    pending_dir = work_dir / "pending_history"
    target_path = Path(os.environ.get("DBT_TARGET_PATH") or _default_target_path(published))
    log_dir = Path(os.environ.get("DBT_LOG_PATH") or Path("logs") / target_path.name)
    log_path = log_dir / "dbt.log"
    dbt = dbt or str(Path(sys.executable).with_name("dbt"))
    dbt_args = _default_dbt_args(dbt_args)

    with exclusive_lock(work_dir / "build.lock"), exclusive_lock(target_path / "build.lock"):
        started = time.monotonic()
        print(f"analytics-build: copying {published} to {build_copy}", flush=True)
        _copy_database(published, build_copy)
        if ensure_storage_version(build_copy):
            print(f"analytics-build: rewrote the copy in storage {STORAGE_VERSION}", flush=True)
        # what the published warehouse holds, read from its copy (no lock on the published file)
        before = _files_per_source(build_copy)
        merged = _load_pending_history(build_copy, pending_dir)
        env = {
            **os.environ,
            "DUCKDB_PATH": str(build_copy),
            "DBT_TARGET_PATH": str(target_path),
            "DBT_LOG_PATH": str(log_dir),
        }
        if not (target_path / "partial_parse.msgpack").exists():
            print(
                f"analytics-build: dbt parses the whole project first ({target_path} is new;"
                " about 15 s, then partial parsing applies)",
                flush=True,
            )
        (target_path / "run_results.json").unlink(missing_ok=True)
        completed = subprocess.run([dbt, "build", *dbt_args], env=env, check=False)
        failed, warnings = _node_problems(target_path / "run_results.json")
        results_copy = os.environ.get(RESULTS_COPY)
        if results_copy and (target_path / "run_results.json").exists():
            Path(results_copy).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target_path / "run_results.json", results_copy)
        summary = f"dbt build exited with {completed.returncode}"
        if completed.returncode == 0 and build_copy.exists():
            vanished = vanished_sources(before, _files_per_source(build_copy), allowed)
            if not vanished:
                _publish(build_copy, published)
                for path in merged:
                    path.unlink(missing_ok=True)
                print(
                    f"analytics-build: published {published} ({time.monotonic() - started:.1f} s)",
                    flush=True,
                )
                if warnings:
                    print(f"analytics-build: {len(warnings)} warning(s):", flush=True)
                    for line in warnings:
                        print(f"  - {line}", flush=True)
                return BuildOutcome(0, True, log_path=log_path, warnings=warnings)
            summary, failed = vanished_refusal(vanished, raw_dir)

        if build_copy.exists():
            os.replace(build_copy, failed_copy)
            _save_failed_history(failed_copy, pending_dir)
        print(
            f"analytics-build: the build failed ({summary}); "
            f"{published} was left as it was. The failed build is in {failed_copy}, "
            f"dbt's log in {log_path}.",
            file=sys.stderr,
            flush=True,
        )
        return BuildOutcome(
            completed.returncode or 1,
            False,
            failed_nodes=failed,
            log_path=log_path,
            failed_copy=failed_copy,
            summary=summary,
            warnings=warnings,
        )


def run_and_alert(
    build: Callable[[Sequence[str]], BuildOutcome], dbt_args: Sequence[str], program: str
) -> int:
    """Run a publishing build; an alert for a build that could not start or did not publish."""
    try:
        outcome = build(dbt_args)
    except BuildError as error:
        print(f"{program}: error: {error}", file=sys.stderr)
        send_failure_alert(summary=str(error), failed_nodes=[], log_path=None, failed_copy=None)
        return 2
    if not outcome.published:
        send_failure_alert(
            summary=outcome.summary,
            failed_nodes=outcome.failed_nodes,
            log_path=outcome.log_path,
            failed_copy=outcome.failed_copy,
            warnings=outcome.warnings,
        )
    return outcome.returncode


def main(argv: Sequence[str] | None = None) -> int:
    dbt_args = list(sys.argv[1:] if argv is None else argv)
    if dbt_args[:1] in (["-h"], ["--help"]):
        print("usage: analytics-build [DBT BUILD ARGUMENTS...]\n\n" + (__doc__ or ""))
        return 0
    return run_and_alert(run_build, dbt_args, "analytics-build")


if __name__ == "__main__":
    raise SystemExit(main())
