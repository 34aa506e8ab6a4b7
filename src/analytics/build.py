"""`analytics-build`: the production build (`make build`).

DuckDB allows one writer process or many readers, never both. So the build never writes the
published warehouse in place:

1. it takes a lock (one build at a time) and checks the run-time parameters;
2. it copies the published file (when there is one) to `<warehouse dir>/.build/`, and runs
   `dbt build` against the copy, so incremental models and the run history carry on;
3. only when dbt succeeds does it replace the published file with the copy, in one atomic
   rename. An analyst who holds the old file open keeps reading the previous complete version
   (the old file stays alive until they close it); a new connection sees the new data;
4. when dbt fails, is killed or crashes, the published file is left exactly as it was; the
   failed copy is kept as `.build/last_failed.duckdb` for inspection, its run history is kept
   for the next build to publish, and an alert e-mail goes out when SMTP is configured.

Plain `dbt build` (development) writes DUCKDB_PATH directly and does none of this.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analytics.alerts import send_failure_alert

DEFAULT_DATABASE = Path("warehouse/analytics.duckdb")
DEFAULT_RAW_DATA_DIR = Path("data/raw")
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
            raise BuildError(
                f"another build holds {path}; wait for it to finish and try again"
            ) from None
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


def _failed_nodes(run_results: Path) -> list[str]:
    try:
        results = json.loads(run_results.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    failed = []
    for result in results:
        if result.get("status") not in ("error", "fail", "runtime error"):
            continue
        # unique ids read resource_type.project.name[.hash]
        kind, _, name = result["unique_id"].split(".")[:3]
        message = " ".join((result.get("message") or "").split())[:500]
        failed.append(f"{kind} {name} ({result['status']}): {message}")
    return failed


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


def run_build(dbt_args: Sequence[str], *, dbt: str | None = None) -> BuildOutcome:
    published = validate_path("DUCKDB_PATH", os.environ.get("DUCKDB_PATH", str(DEFAULT_DATABASE)))
    raw_dir = validate_path(
        "RAW_DATA_DIR", os.environ.get("RAW_DATA_DIR", str(DEFAULT_RAW_DATA_DIR))
    )
    if not raw_dir.is_dir():
        raise BuildError(f"RAW_DATA_DIR={raw_dir} is not a folder")
    published.parent.mkdir(parents=True, exist_ok=True)
    work_dir = published.parent / ".build"
    build_copy = work_dir / published.name
    failed_copy = work_dir / "last_failed.duckdb"
    pending_dir = work_dir / "pending_history"
    target_path = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    log_path = Path(os.environ.get("DBT_LOG_PATH", "logs")) / "dbt.log"
    dbt = dbt or str(Path(sys.executable).with_name("dbt"))

    with exclusive_lock(work_dir / "build.lock"):
        started = time.monotonic()
        print(f"analytics-build: copying {published} to {build_copy}", flush=True)
        _copy_database(published, build_copy)
        merged = _load_pending_history(build_copy, pending_dir)
        env = {**os.environ, "DUCKDB_PATH": str(build_copy)}
        (target_path / "run_results.json").unlink(missing_ok=True)
        completed = subprocess.run([dbt, "build", *dbt_args], env=env, check=False)
        if completed.returncode == 0 and build_copy.exists():
            _publish(build_copy, published)
            for path in merged:
                path.unlink(missing_ok=True)
            print(
                f"analytics-build: published {published} ({time.monotonic() - started:.1f} s)",
                flush=True,
            )
            return BuildOutcome(0, True, log_path=log_path)

        failed = _failed_nodes(target_path / "run_results.json")
        if build_copy.exists():
            os.replace(build_copy, failed_copy)
            _save_failed_history(failed_copy, pending_dir)
        print(
            f"analytics-build: the build failed (exit {completed.returncode}); "
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
        )


def main(argv: Sequence[str] | None = None) -> int:
    dbt_args = list(sys.argv[1:] if argv is None else argv)
    if dbt_args[:1] in (["-h"], ["--help"]):
        print("usage: analytics-build [DBT BUILD ARGUMENTS...]\n\n" + (__doc__ or ""))
        return 0
    try:
        outcome = run_build(dbt_args)
    except BuildError as error:
        print(f"analytics-build: error: {error}", file=sys.stderr)
        send_failure_alert(summary=str(error), failed_nodes=[], log_path=None, failed_copy=None)
        return 2
    if not outcome.published:
        send_failure_alert(
            summary=f"dbt build exited with {outcome.returncode}",
            failed_nodes=outcome.failed_nodes,
            log_path=outcome.log_path,
            failed_copy=outcome.failed_copy,
        )
    return outcome.returncode


if __name__ == "__main__":
    raise SystemExit(main())
