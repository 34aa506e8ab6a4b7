"""`analytics-postgres build`: the publishing build on PostgreSQL (`make build ENGINE=postgres`).

It keeps the promise of the DuckDB build (analytics.build) on a server that many analysts
query at once: a failed build leaves what they see unchanged, a successful one appears at
once, and only the build's role writes.

1. It checks RAW_DATA_DIR as the DuckDB build does (a folder that holds none of the source
   folders is refused), and takes a server-wide advisory lock: one publishing build at a time
   per database.
2. It prepares the build schemas `build_<schema>`: any left by a failed build are dropped,
   then every table of the published schemas (incremental models, snapshots, the run history
   and the rest) is copied, so that incremental models and history carry on; views are not
   copied, dbt creates them again. A failed build's run history is carried over.
3. It loads the raw files into `build_raw_<source>` (analytics.postgres.load) and runs
   `dbt build --target postgres` with ANALYTICS_SCHEMA_PREFIX=build_, so that every model,
   snapshot, test and hook writes the build schemas only (macros/generate_schema_name.sql).
4. Only when dbt succeeds, and no source with rows in the published accounting came without
   files, it publishes in one transaction: the read-only role gets USAGE and SELECT on the
   build schemas (raw schemas excepted), each published schema is renamed `retired_<schema>`
   and each build schema takes its name. An analyst's query that is running keeps reading
   the tables it started with; the next query sees the new build. The retired schemas are
   then dropped (waiting, if need be, for queries still reading them).
5. When dbt fails, the published schemas are not touched; the build schemas stay for
   inspection (the next build drops them) and an alert goes out as for DuckDB.

A publishing build builds the whole project (what the `postgres` target builds:
POSTGRES_SELECTOR) and refuses a selection: a partial build would publish schemas without
the models it left out. Plain `dbt build --target postgres` (development) writes the
unprefixed schemas directly and does none of this.

Connection settings and credentials come from the environment only: POSTGRES_HOST,
POSTGRES_PORT, POSTGRES_USER (the build role), POSTGRES_PASSWORD, POSTGRES_DATABASE, and
POSTGRES_READER_ROLE (default analytics_reader), the role analysts log in with.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analytics.build import (
    ALLOW_MISSING,
    DEFAULT_RAW_DATA_DIR,
    SELECTION_ARGS,
    BuildError,
    BuildOutcome,
    _node_problems,
    allowed_missing_sources,
    check_raw_dir,
    run_and_alert,
    validate_path,
    vanished_refusal,
    vanished_sources,
)
from analytics.postgres import load

BUILD_PREFIX = "build_"
RETIRED_PREFIX = "retired_"
# what the postgres target builds (selectors.yml): the whole project
POSTGRES_SELECTOR = "postgres_ported"
DEFAULT_READER_ROLE = "analytics_reader"
# schemas that belong to the server or to every build alike, never published by renaming
FIXED_SCHEMAS = {"public", "information_schema", "analytics_functions"}
# advisory lock key of the publishing build (any constant shared by every build)
LOCK_KEY = 470_211_001


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schemas(cur) -> list[str]:
    cur.execute(
        "select nspname from pg_namespace"
        " where nspname not like 'pg\\_%%' and nspname not in %s order by 1",
        (tuple(FIXED_SCHEMAS),),
    )
    return [row[0] for row in cur.fetchall()]


def published_schemas(cur) -> list[str]:
    """The schemas analysts read (and the raw schemas they were built from)."""
    return [name for name in _schemas(cur) if not name.startswith((BUILD_PREFIX, RETIRED_PREFIX))]


def _tables(cur, schema: str) -> list[str]:
    cur.execute("select tablename from pg_tables where schemaname = %s order by 1", (schema,))
    return [row[0] for row in cur.fetchall()]


HISTORY_SCHEMA = "audit"
HISTORY_TABLES = ("run_history", "node_history")
# where a failed build's run history waits while the build schemas are made again
KEPT_HISTORY = f"{RETIRED_PREFIX}failed_history"


def prepare_build_schemas(connection, log=print) -> None:
    """Drop leftover build schemas (keeping a failed build's run history) and copy every table
    of the published schemas, raw ones excepted (the loader fills those), into build schemas,
    in one transaction."""
    build_history = BUILD_PREFIX + HISTORY_SCHEMA
    target = _quoted(build_history)
    kept = _quoted(KEPT_HISTORY)
    with connection.cursor() as cur:
        leftover = [name for name in _schemas(cur) if name.startswith(BUILD_PREFIX)]
        if build_history in leftover:
            cur.execute(f"create schema if not exists {kept}")
            for table in set(HISTORY_TABLES) & set(_tables(cur, build_history)):
                cur.execute(f"create table if not exists {kept}.{table} (like {target}.{table})")
                cur.execute(f"insert into {kept}.{table} select * from {target}.{table}")
        for name in leftover:
            cur.execute(f"drop schema {_quoted(name)} cascade")
        started = time.monotonic()
        copied = 0
        for schema in published_schemas(cur):
            build_schema = _quoted(BUILD_PREFIX + schema)
            cur.execute(f"create schema {build_schema}")
            if schema.startswith("raw_"):
                continue
            for table in _tables(cur, schema):
                source = f"{_quoted(schema)}.{_quoted(table)}"
                copy = f"{build_schema}.{_quoted(table)}"
                cur.execute(f"create table {copy} (like {source} including all)")
                cur.execute(f"insert into {copy} select * from {source}")
                copied += 1
        if KEPT_HISTORY in _schemas(cur):
            # a failed build's run history reaches the published one with the next build
            cur.execute(f"create schema if not exists {target}")
            published = set(_tables(cur, build_history))
            for table in _tables(cur, KEPT_HISTORY):
                if table in published:
                    cur.execute(
                        f"insert into {target}.{table} select * from {kept}.{table} where"
                        f" invocation_id not in (select invocation_id from {target}.{table})"
                    )
                else:
                    cur.execute(f"create table {target}.{table} as select * from {kept}.{table}")
            cur.execute(f"drop schema {kept} cascade")
    connection.commit()
    log(
        f"analytics-postgres: copied {copied} published tables into the build schemas"
        f" ({time.monotonic() - started:.1f} s)"
    )


def files_per_source(cur, schema: str) -> dict[str, tuple[int, int]]:
    """(files, rows read) per source system in a schema's row_accounting, if it has one."""
    if "row_accounting" not in _tables(cur, schema):
        return {}
    cur.execute(
        "select split_part(source_name, '_', 1), count(*), coalesce(sum(rows_read), 0)"
        f" from {_quoted(schema)}.row_accounting group by 1"
    )
    return {source: (int(files), int(read)) for source, files, read in cur.fetchall()}


def swap_in(connection, reader_role: str, log=print) -> list[str]:
    """Publish the build schemas in one transaction; then drop the retired ones."""
    with connection.cursor() as cur:
        built = [name for name in _schemas(cur) if name.startswith(BUILD_PREFIX)]
        names = [name[len(BUILD_PREFIX) :] for name in built]
        for build_name, name in zip(built, names, strict=True):
            if not name.startswith("raw_"):
                cur.execute(
                    f"grant usage on schema {_quoted(build_name)} to {_quoted(reader_role)}"
                )
                cur.execute(
                    f"grant select on all tables in schema {_quoted(build_name)}"
                    f" to {_quoted(reader_role)}"
                )
            if name in _schemas(cur):
                cur.execute(f"drop schema if exists {_quoted(RETIRED_PREFIX + name)} cascade")
                cur.execute(
                    f"alter schema {_quoted(name)} rename to {_quoted(RETIRED_PREFIX + name)}"
                )
            cur.execute(f"alter schema {_quoted(build_name)} rename to {_quoted(name)}")
        cur.execute(f"grant usage on schema analytics_functions to {_quoted(reader_role)}")
    connection.commit()
    with connection.cursor() as cur:
        for name in names:
            cur.execute(f"drop schema if exists {_quoted(RETIRED_PREFIX + name)} cascade")
    connection.commit()
    return names


def _refuse_selection(dbt_args: Sequence[str]) -> None:
    chosen = [arg for arg in dbt_args if arg.split("=")[0] in SELECTION_ARGS]
    if chosen:
        raise BuildError(
            f"a publishing build on PostgreSQL builds the whole project; {chosen[0]} would"
            " publish schemas without the models it leaves out. For a partial build use"
            " `dbt build --target postgres ...` (development, unprefixed schemas)"
        )


def run_build(dbt_args: Sequence[str], *, dbt: str | None = None) -> BuildOutcome:
    _refuse_selection(dbt_args)
    raw_dir = validate_path(
        "RAW_DATA_DIR", os.environ.get("RAW_DATA_DIR", str(DEFAULT_RAW_DATA_DIR))
    )
    allowed = allowed_missing_sources(os.environ.get(ALLOW_MISSING, ""))
    check_raw_dir(raw_dir, allowed)
    reader_role = os.environ.get("POSTGRES_READER_ROLE", DEFAULT_READER_ROLE)
    target_path = Path(os.environ.get("DBT_TARGET_PATH") or "target/postgres-build")
    log_dir = Path(os.environ.get("DBT_LOG_PATH") or Path("logs") / target_path.name)
    log_path = log_dir / "dbt.log"
    dbt = dbt or str(Path(sys.executable).with_name("dbt"))
    args = ["build", "--selector", POSTGRES_SELECTOR, *dbt_args]
    if not any(a.startswith(("--resource-type", "--exclude-resource-type")) for a in dbt_args):
        args += ["--exclude-resource-type", "unit_test"]

    # the lock is held by this connection for the whole build (released when it closes)
    lock = load.connect()
    try:
        with lock.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(%s)", (LOCK_KEY,))
            if not cur.fetchone()[0]:
                raise BuildError(
                    "another publishing build holds this database's build lock; wait for it"
                    " to finish and try again"
                )
        lock.commit()
        started = time.monotonic()
        with load.connect() as connection:
            prepare_build_schemas(connection)
            with connection.cursor() as cur:
                before = files_per_source(cur, f"{BUILD_PREFIX}audit")
            load.load(connection, str(raw_dir), load.declared_tables(prefix=BUILD_PREFIX))
        env = {
            **os.environ,
            "DBT_TARGET": "postgres",
            "ANALYTICS_SCHEMA_PREFIX": BUILD_PREFIX,
            "DBT_TARGET_PATH": str(target_path),
            "DBT_LOG_PATH": str(log_dir),
        }
        (target_path / "run_results.json").unlink(missing_ok=True)
        completed = subprocess.run([dbt, *args], env=env, check=False)
        failed, warnings = _node_problems(target_path / "run_results.json")
        summary = f"dbt build exited with {completed.returncode}"
        if completed.returncode == 0:
            with load.connect() as connection:
                with connection.cursor() as cur:
                    after = files_per_source(cur, f"{BUILD_PREFIX}audit")
                vanished = vanished_sources(before, after, allowed)
                if not vanished:
                    names = swap_in(connection, reader_role)
                    print(
                        f"analytics-postgres: published {', '.join(sorted(names))}"
                        f" ({time.monotonic() - started:.1f} s)",
                        flush=True,
                    )
                    return BuildOutcome(0, True, log_path=log_path, warnings=warnings)
            summary, failed = vanished_refusal(vanished, raw_dir)
        print(
            f"analytics-postgres: the build failed ({summary}); the published schemas were"
            f" left as they were. The failed build is in the {BUILD_PREFIX}* schemas, dbt's"
            f" log in {log_path}.",
            file=sys.stderr,
            flush=True,
        )
        return BuildOutcome(
            completed.returncode or 1,
            False,
            failed_nodes=failed,
            log_path=log_path,
            summary=summary,
            warnings=warnings,
        )
    finally:
        lock.close()


def main(dbt_args: Sequence[str]) -> int:
    return run_and_alert(run_build, dbt_args, "analytics-postgres")
