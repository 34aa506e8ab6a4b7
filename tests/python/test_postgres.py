"""The `postgres` target against a real PostgreSQL server, compared with DuckDB row for row.

A throwaway cluster (Debian's PostgreSQL, `analytics.postgres.server`) starts once per test
process on a free port; each test has its own database. The raw files are loaded by the real
loader (`analytics-postgres load`), the warehouse is built by the real dbt CLI with
`--target postgres`, and every table it builds is compared with the DuckDB warehouse built
from the same files (tests/python/engines.py). What the target builds is the
`postgres_ported` selector: the whole project (docs/operations.md, "PostgreSQL").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import psycopg2
import pytest

from analytics.generate.bank import generate_bank
from analytics.generate.retail import generate_retail
from analytics.generate.sales import generate_sales
from analytics.generate.trades import generate_trades
from analytics.postgres import load, server, unicode_classes
from conftest import (
    DBT,
    PROJECT_DIR,
    SAMPLE_RAW_DIR,
    SampleBuild,
    dbt_cli,
    project_command,
    run_dbt,
)
from engines import compare_tables

pytestmark = pytest.mark.dbt

SELECTION = ("--selector", "postgres_ported")
# the generated data set: the four sources the generators write, without the row accounting
# (streaming is compared on the sample, in test_sample_equals_duckdb)
GENERATED_SELECTION = (
    "--select",
    "tag:bank",
    "tag:trades",
    "tag:sales",
    "tag:retail",
    "--exclude",
    "trades_data_quality",
)


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.Server]:
    data_dir = tmp_path_factory.mktemp("postgres") / "data"
    running = server.start(data_dir)
    yield running
    server.stop(data_dir)


class PostgresWarehouse:
    """One database of the test server: load, build, query."""

    def __init__(self, running: server.Server, name: str, work_dir: Path) -> None:
        self.env = server.create_database(running, name)
        self.work_dir = work_dir

    def connect(self):
        return load.connect(self.env)

    def build(self, raw_dir: Path, *args: str, selection: tuple[str, ...] = SELECTION) -> str:
        """Load raw_dir, then `dbt build` the selection without the unit tests."""
        with self.connect() as connection:
            load.load(connection, str(raw_dir), load.declared_tables(), log=lambda _: None)
        return self.dbt(raw_dir, "build", *selection, "--exclude-resource-type", "unit_test", *args)

    def dbt(self, raw_dir: Path, *args: str) -> str:
        """`dbt <args> --target postgres` on this database; its output, asserting success."""
        env = {
            **self.env,
            "DBT_TARGET": "postgres",
            "RAW_DATA_DIR": str(raw_dir),
            "DBT_TARGET_PATH": str(self.work_dir / "target"),
            "DBT_LOG_PATH": str(self.work_dir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        done = dbt_cli(args, {**os.environ, **env})
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-6000:]
        return output

    def publish(self, raw_dir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
        """The publishing build, `analytics-postgres build` (what `make build
        ENGINE=postgres` runs), as a user runs it."""
        env = {
            **os.environ,
            **self.env,
            "RAW_DATA_DIR": str(raw_dir),
            "DBT_TARGET_PATH": str(self.work_dir / "publish-target"),
            "DBT_LOG_PATH": str(self.work_dir / "publish-logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "NO_COLOR": "1",
            **extra_env,
        }
        env.pop("DBT_TARGET", None)
        return project_command([str(DBT.with_name("analytics-postgres")), "build"], env)

    def rows(self, sql: str, role: str | None = None) -> list[tuple]:
        env = self.env if role is None else {**self.env, "POSTGRES_USER": role}
        with load.connect(env) as connection, connection.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    def tables(self) -> list[str]:
        return [
            f"{schema}.{name}"
            for schema, name in self.rows(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in"
                " ('staging', 'quarantine', 'intermediate', 'marts', 'snapshots', 'audit')"
                " order by 1, 2"
            )
        ]


def test_sample_equals_duckdb(
    postgres: server.Server, sample_build: SampleBuild, tmp_path: Path
) -> None:
    """The publishing build on PostgreSQL (`make build ENGINE=postgres`), step by step: a good
    build is published; analysts' role reads it and writes nothing; a failed build leaves it
    exactly as it was (its run history arrives with the next good build); a wrong raw folder
    is refused; the next good build, of the whole sample, replaces it at once, and every
    table it made (streaming's snapshots and the row accounting included) equals DuckDB's,
    row for row. The first build lacks sales' last day and streaming's last batch, so the
    second applies them incrementally (the merges, the snapshots closing versions) and still
    ends where DuckDB's one build of the sample does."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW_DIR, raw)
    last_day = raw / "sales" / "web_2025-09-14.csv"
    kept = tmp_path / "web_2025-09-14.csv"
    shutil.move(last_day, kept)
    last_batch = raw / "streaming" / "2024-05-31"
    kept_batch = tmp_path / "2024-05-31"
    shutil.move(last_batch, kept_batch)
    warehouse = PostgresWarehouse(postgres, "sample", tmp_path / "pg")
    first = warehouse.publish(raw)
    assert first.returncode == 0, (first.stdout + first.stderr)[-6000:]
    assert "analytics-postgres: published" in first.stdout
    web = "select sales_date, order_count from marts.daily_sales where channel = 'web' order by 1"
    published = warehouse.rows(web)
    assert [row[0] for row in published] == [date(2025, 9, 12), date(2025, 9, 13)]

    # the analysts' role reads the marts, and nothing else is theirs
    reader = server.READER_ROLE
    assert warehouse.rows(web, role=reader) == published
    for statement, refused in (
        ("insert into marts.daily_sales select * from marts.daily_sales", "permission denied"),
        ("create table marts.mine (id integer)", "permission denied"),
        ("select count(*) from raw_sales.sales_texts", "permission denied"),
        ("drop table marts.daily_sales", "must be owner"),
    ):
        with pytest.raises(psycopg2.Error, match=refused):
            warehouse.rows(statement, role=reader)

    # a file that is unusable as a whole stops the build: nothing of it is published
    broken = raw / "sales" / "web_2025-09-15.csv"
    broken.write_text("order_id,quantity\nW1,2\n")
    failed = warehouse.publish(raw)
    assert failed.returncode != 0
    assert "the published schemas were left as they were" in failed.stderr
    assert warehouse.rows(web, role=reader) == published
    failed_runs = warehouse.rows(
        "select invocation_id from build_audit.run_history where status = 'error'"
    )
    assert len(failed_runs) == 1

    # a folder without any source folder is refused before anything is built
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = warehouse.publish(empty)
    assert refused.returncode == 2
    assert "holds none of the source folders" in refused.stderr
    assert warehouse.rows(web, role=reader) == published

    # the next good build publishes the whole sample, with the failed build in the history
    broken.unlink()
    shutil.move(kept, last_day)
    shutil.move(kept_batch, last_batch)
    second = warehouse.publish(raw)
    assert second.returncode == 0, (second.stdout + second.stderr)[-6000:]
    assert [row[0] for row in warehouse.rows(web, role=reader)] == [
        date(2025, 9, 12),
        date(2025, 9, 13),
        date(2025, 9, 14),
    ]
    history = dict(
        warehouse.rows("select invocation_id, status from audit.run_history", role=reader)
    )
    assert history[failed_runs[0][0]] == "error"
    assert list(history.values()).count("success") == 2
    # nothing of the builds is left behind: no build or retired schemas
    leftovers = warehouse.rows(
        "select nspname from pg_namespace"
        " where nspname like 'build\\_%' or nspname like 'retired\\_%'"
    )
    assert leftovers == []

    # base_retail__transaction_lines holds the records of the files a build is loading: a
    # table on DuckDB, filled while the build ran; a view on PostgreSQL, empty once the
    # inventory lists those files. What it held is in the classified rows, compared below.
    tables = [t for t in warehouse.tables() if t != "staging.base_retail__transaction_lines"]
    # every source, each from its files to its marts, and the accounting over them
    for expected in (
        "staging.stg_bank__transactions",
        "quarantine.quarantine_bank__transactions",
        "marts.location_customer_avg",
        "staging.stg_trades__trades",
        "quarantine.quarantine_trades__trades",
        "marts.weekly_trades",
        "marts.top_bronze_clients_by_pnl",
        "staging.stg_sales__order_lines",
        "quarantine.quarantine_sales__order_lines",
        "marts.daily_sales",
        "marts.daily_top_products",
        "staging.stg_retail__transactions",
        "quarantine.quarantine_retail__transactions",
        "marts.customer_segments",
        "marts.regional_monthly_metrics",
        "marts.category_monthly_trends",
        "marts.daily_revenue",
        "staging.stg_streaming__files",
        "staging.base_streaming__json_records",
        "staging.stg_streaming__books",
        "staging.stg_streaming__book_genres",
        "staging.stg_streaming__streams",
        "quarantine.quarantine_streaming__reviews",
        "intermediate.int_streaming__streams_enriched",
        "marts.streaming_monthly_kpis",
        "snapshots.streaming_books_snapshot",
        "snapshots.streaming_users_snapshot",
        "audit.row_accounting",
        "audit.row_accounting_history",
        "marts.trades_data_quality",
        "marts.data_quality_by_build",
        "marts.quarantine_reasons_by_build",
    ):
        assert expected in tables
    # and the sample's rows really are there: the quarantine holds every reason's rows
    assert warehouse.rows("select count(*) from quarantine.quarantine_sales__order_lines")[0][0] > 0
    streaming_files = warehouse.rows(
        "select count(*) from audit.row_accounting where source_name like 'streaming%'"
    )[0][0]
    assert streaming_files > 0
    # the last batch closed versions and recorded a deletion (an author's tombstone) in the
    # snapshots; DuckDB's one build has only the current versions, which must be the same
    snapshots = [table for table in tables if table.startswith("snapshots.")]
    closed, deleted = zip(
        *(
            warehouse.rows(
                "select count(*) filter (where dbt_valid_to is not null),"
                f" count(*) filter (where dbt_is_deleted = 'True') from {table}"
            )[0]
            for table in snapshots
        ),
        strict=True,
    )
    assert sum(closed) > 0 and sum(deleted) > 0, (closed, deleted)
    current = "dbt_valid_to is null and dbt_is_deleted = 'False'"
    diffs = compare_tables(
        str(sample_build.database),
        warehouse.rows,
        tables,
        where=dict.fromkeys(snapshots, current),
    )
    assert not diffs, "\n".join(map(str, diffs))


def test_incremental_steps_equal_duckdb(
    postgres: server.Server, sample_build: SampleBuild, tmp_path: Path
) -> None:
    """The sales marts' merge on PostgreSQL: a day whose file vanished is deleted, a late file
    brings its day back and touches no other row; after each step both engines agree (the
    full sample's DuckDB warehouse is the session's sample build)."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW_DIR, raw)
    late_file = raw / "sales" / "web_2025-09-14.csv"
    kept = tmp_path / "web_2025-09-14.csv"
    warehouse = PostgresWarehouse(postgres, "incremental", tmp_path / "pg")
    sales_tables = [
        "marts.daily_sales",
        "marts.daily_top_products",
        "staging.stg_sales__order_lines",
        "quarantine.quarantine_sales__order_lines",
    ]

    def same_as(duckdb_file: Path, step: str) -> None:
        diffs = compare_tables(str(duckdb_file), warehouse.rows, sales_tables)
        assert not diffs, f"after {step}: " + "\n".join(map(str, diffs))

    sales = ("--selector", "sales")
    days = "select count(*) from marts.daily_sales where sales_date = '2025-09-14'"
    stamps = "select sales_date, channel, updated_at from marts.daily_sales"
    warehouse.build(raw, selection=sales)
    same_as(sample_build.database, "the full sample")
    assert warehouse.rows(days)[0][0] == 3

    shutil.move(late_file, kept)
    warehouse.build(raw, selection=sales)
    duckdb_file = tmp_path / "duck" / "warehouse.duckdb"
    duck = run_dbt(raw, duckdb_file, "build", *sales, work_dir=tmp_path / "duck")
    assert duck.returncode == 0, duck.output[-4000:]
    same_as(duckdb_file, "a vanished day's file")
    assert warehouse.rows(days)[0][0] == 2  # web's 2025-09-14 row is gone
    before = {row[:2]: row[2] for row in warehouse.rows(stamps)}

    shutil.move(kept, late_file)
    warehouse.build(raw, selection=sales)
    same_as(sample_build.database, "the late file")
    after = {row[:2]: row[2] for row in warehouse.rows(stamps)}
    # the late file's day is back; no row of another day was rewritten (the day's other
    # channels may change: the outlier rule looks at every channel of the day)
    assert set(after) - set(before) == {(date(2025, 9, 14), "web")}
    other_days = [key for key in before if key[0] != date(2025, 9, 14)]
    assert other_days
    assert all(after[key] == before[key] for key in other_days)


def test_retail_new_day_equals_duckdb(
    postgres: server.Server, sample_build: SampleBuild, tmp_path: Path
) -> None:
    """Retail's incremental path on PostgreSQL (delete+insert by line, the marts' delete of
    touched keys): the sample without its last day, then with it, equals DuckDB's full build
    of the sample; the second build reads only the new file."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW_DIR, raw)
    last_day = raw / "retail" / "2024-12-31.csv"
    kept = tmp_path / "2024-12-31.csv"
    shutil.move(last_day, kept)
    warehouse = PostgresWarehouse(postgres, "retail_days", tmp_path / "pg")
    retail = ("--selector", "retail")
    warehouse.build(raw, selection=retail)
    loaded = "select distinct source_file from staging.base_retail__transactions order by 1"
    assert "retail/2024-12-31.csv" not in [row[0] for row in warehouse.rows(loaded)]
    first_build = warehouse.rows(
        "select max(loaded_by_invocation_id) from staging.base_retail__transactions"
    )[0][0]

    shutil.move(kept, last_day)
    warehouse.build(raw, selection=retail)
    # only the new day's lines (and earlier lines it reclassifies) were written again
    rewritten = warehouse.rows(
        "select distinct source_file from staging.base_retail__transactions"
        f" where loaded_by_invocation_id <> '{first_build}'"
    )
    assert ("retail/2024-12-31.csv",) in rewritten
    tables = [
        "staging.stg_retail__transactions",
        "staging.stg_retail__transaction_files",
        "quarantine.quarantine_retail__transactions",
        "marts.customer_segments",
        "marts.regional_monthly_metrics",
        "marts.category_monthly_trends",
        "marts.daily_revenue",
    ]
    diffs = compare_tables(str(sample_build.database), warehouse.rows, tables)
    assert not diffs, "\n".join(map(str, diffs))


def test_generated_data_equals_duckdb(postgres: server.Server, tmp_path: Path) -> None:
    """A generated data set, with every defect kind the generators make (and BOMs and CRLF
    endings), built on both engines: every table equal, row for row, so the quarantine per
    reason and the staged rows agree on data nobody wrote by hand."""
    raw = tmp_path / "raw"
    generate_bank(raw, rows=1200, seed=21, files=3, defect_rate=0.08, bom_crlf_files={1})
    generate_trades(raw, users=30, weeks=5, seed=21, defect_rate=0.08, bom_crlf_files={2})
    generate_sales(raw, days=3, rows_per_file=50, seed=21, defect_rate=0.08)
    generate_retail(raw, rows=1200, seed=21, files=3, defect_rate=0.08)
    duck = run_dbt(
        raw,
        tmp_path / "duck" / "warehouse.duckdb",
        "build",
        *GENERATED_SELECTION,
        work_dir=tmp_path / "duck",
    )
    assert duck.returncode == 0, duck.output[-4000:]
    warehouse = PostgresWarehouse(postgres, "generated", tmp_path / "pg")
    warehouse.build(raw, selection=GENERATED_SELECTION)
    tables = warehouse.tables()
    quarantined = warehouse.rows(
        "select count(distinct rejection_reason) from quarantine.quarantine_retail__transactions"
    )[0][0]
    assert quarantined >= 3
    diffs = compare_tables(str(duck.database), warehouse.rows, tables)
    assert not diffs, "\n".join(map(str, diffs))


def test_unit_tests_pass_on_postgres(postgres: server.Server, tmp_path: Path) -> None:
    """Every unit test of the project (the rules, edge by edge: test_dbt_unit_tests.py runs
    them on DuckDB) passes on PostgreSQL too. A unit test needs only its inputs' columns, so
    the five sources' models are built empty first (`--empty`), without their data tests."""
    warehouse = PostgresWarehouse(postgres, "unit_tests", tmp_path)
    sources = (
        *("--select", "tag:bank", "tag:trades", "tag:sales", "tag:retail", "tag:streaming"),
        *("--exclude", "trades_data_quality"),  # over the row accounting, which has no unit test
    )
    warehouse.build(SAMPLE_RAW_DIR, "--empty", "--exclude-resource-type", "test", selection=sources)
    output = warehouse.dbt(SAMPLE_RAW_DIR, "--no-use-colors", "test", "--select", "test_type:unit")
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    declared = len(manifest["unit_tests"])
    done = re.search(r"Done\. PASS=(\d+) WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=(\d+)", output)
    assert done, output[-6000:]
    passed, total = map(int, done.groups())
    assert passed == total >= declared >= 30, output[-6000:]


def test_loader_refuses_a_file_that_is_not_utf8(postgres: server.Server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "bank").mkdir(parents=True)
    (raw / "bank" / "latin1.csv").write_bytes("TransactionID\nT1 caf\xe9\n".encode("latin-1"))
    warehouse = PostgresWarehouse(postgres, "not_utf8", tmp_path)
    tables = [table for table in load.declared_tables() if table.schema == "raw_bank"]
    with warehouse.connect() as connection, pytest.raises(SystemExit, match=r"latin1\.csv"):
        load.load(connection, str(raw), tables, log=lambda _: None)


def test_comparison_of_json_and_lists_is_strict(tmp_path: Path) -> None:
    """engines.compare_tables reads a JSON column as text on both engines and compares the
    values it spells: white space does not count, anything else does (a value, the order of
    members, a repeated key, the order of a list)."""
    database = tmp_path / "json.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema staging")
    con.execute(
        "create table staging.records as select"
        """ cast('{"a": 1, "b": [1.50, "x"], "a": null}' as json) as record,"""
        " ['p', 'q'] as items"
    )
    con.close()
    same = ('{"a":1,"b":[1.5,"x"],"a":null}', ["p", "q"])
    assert compare_tables(str(database), lambda _: [same], ["staging.records"]) == []
    for different in (
        ('{"a":2,"b":[1.5,"x"],"a":null}', ["p", "q"]),
        ('{"b":[1.5,"x"],"a":1,"a":null}', ["p", "q"]),
        ('{"a":1,"b":[1.5,"x"]}', ["p", "q"]),
        ('{"a":1,"b":["1.5","x"],"a":null}', ["p", "q"]),
        ('{"a":1,"b":[1.5,"x"],"a":null}', ["q", "p"]),
    ):
        diffs = compare_tables(str(database), lambda _, row=different: [row], ["staging.records"])
        assert len(diffs) == 1, different


def test_clean_text_classes_are_generated(capsys: pytest.CaptureFixture[str]) -> None:
    """macros/parsing/clean_text_classes.sql is what analytics.postgres.unicode_classes
    writes (regenerate it with `python -m analytics.postgres.unicode_classes`)."""
    unicode_classes.main()
    committed = (PROJECT_DIR / "macros" / "parsing" / "clean_text_classes.sql").read_text()
    assert capsys.readouterr().out == committed
