"""The `spark` target (dbt-spark in session mode, a local Spark on 2 cores), compared with
DuckDB row for row.

Spark starts once per test session: one `dbt build --target spark --selector spark_tested`
of the shipped sample (what production's `spark_ported` builds: the five sources, and the
dbt unit tests of the four CSV sources), in one dbt process (one JVM), after the real loader
(`analytics-spark-load`) has cut the raw files into the raw tables' parquet files. Spark's
tables are parquet files under its warehouse folder; the comparison reads those very files
with DuckDB (no second JVM) and compares every ported mart, quarantine table and accounting
row with the DuckDB sample build (tests/python/engines.py). What the target builds and what
it leaves out is in docs/operations.md, "Spark".
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from analytics.postgres.load import declared_tables
from analytics.spark import load
from conftest import DBT, PROJECT_DIR, SAMPLE_RAW_DIR, SampleBuild, dbt_env, project_command
from engines import compare_tables, compare_tables_in_duckdb, spark_connection, spark_tables

pytestmark = pytest.mark.dbt

JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")

# every table the spark_ported selector builds in the compared schemas
PORTED_TABLES = [
    "marts.location_customer_avg",
    "marts.weekly_trades",
    "marts.top_bronze_clients_by_volume",
    "marts.top_bronze_clients_by_pnl",
    "marts.trades_data_quality",
    "marts.daily_sales",
    "marts.daily_top_products",
    "marts.daily_revenue",
    "marts.regional_monthly_metrics",
    "marts.category_monthly_trends",
    "marts.customer_segments",
    "marts.streaming_monthly_kpis",
    "marts.data_quality_by_build",
    "marts.quarantine_reasons_by_build",
    "quarantine.quarantine_bank__transactions",
    "quarantine.quarantine_trades__trades",
    "quarantine.quarantine_sales__order_lines",
    "quarantine.quarantine_retail__transactions",
    "quarantine.quarantine_streaming__authors",
    "quarantine.quarantine_streaming__books",
    "quarantine.quarantine_streaming__reviews",
    "quarantine.quarantine_streaming__users",
    "quarantine.quarantine_streaming__movies",
    "quarantine.quarantine_streaming__streams",
    "audit.row_accounting",
    "audit.row_accounting_history",
    "audit.quarantine_reason_history",
]
# the staging tables of the five sources (at least these; every staging table Spark writes
# is compared)
STAGING_TABLES = [
    "staging.base_bank__transactions",
    "staging.base_trades__trades",
    "staging.base_sales__order_lines",
    "staging.base_retail__transactions",
    "staging.stg_bank__transaction_files",
    "staging.stg_trades__trade_files",
    "staging.stg_sales__files",
    "staging.stg_retail__transaction_files",
    "staging.base_streaming__json_records",
    "staging.stg_streaming__files",
    "staging.stg_streaming__authors",
    "staging.stg_streaming__streams",
]
STREAMING_ENTITIES = ("authors", "books", "reviews", "users", "movies", "streams")


@dataclass
class SparkBuild:
    spark_dir: Path
    output: str
    seconds: float


def java_available() -> bool:
    return (JAVA_HOME / "bin" / "java").exists() or shutil.which("java") is not None


@pytest.fixture(scope="session")
def spark_build(tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    if not java_available():
        reason = "no Java 17 (apt-get install openjdk-17-jre-headless; .ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("spark")
    spark_dir = work / "spark"
    env = dbt_env(SAMPLE_RAW_DIR, work / "unused.duckdb", work)
    env.update(DBT_TARGET="spark", SPARK_DIR=str(spark_dir))
    if JAVA_HOME.exists():
        env.setdefault("JAVA_HOME", str(JAVA_HOME))
    started = time.monotonic()
    load.load(
        str(SAMPLE_RAW_DIR), spark_dir / "raw", declared_tables(prefix=""), log=lambda _: None
    )
    completed = project_command(
        [str(DBT), "--no-use-colors", "build", "--selector", "spark_tested"], env
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    return SparkBuild(spark_dir, output, time.monotonic() - started)


def test_loader_writes_the_postgres_loaders_rows(tmp_path: Path) -> None:
    """One cutter for both engines: the parquet tables hold exactly the rows the PostgreSQL
    loader sends with COPY (analytics.postgres.load.table_rows)."""
    from analytics.postgres.load import table_rows

    tables = declared_tables(prefix="")
    counts = load.load(str(SAMPLE_RAW_DIR), tmp_path, tables, log=lambda _: None)
    con = duckdb.connect()
    for table in tables:
        files = load.table_dir(tmp_path, table) / "*.parquet"
        written = con.execute(f"select * from read_parquet('{files}')").fetchall()
        expected = list(table_rows(table, str(SAMPLE_RAW_DIR)))
        if table.kind == "text":  # the modification time is written as a timestamp
            written = [row[:3] for row in written]
            expected = [row[:3] for row in expected]
        assert written == expected, table
        assert counts[f"{table.schema}.{table.name}"] == len(expected)


def test_sample_equals_duckdb(spark_build: SparkBuild, sample_build: SampleBuild) -> None:
    """Every table Spark built equals DuckDB's build of the same sample, row for row: the
    ported marts, quarantine tables and accounting of the five sources, and the staging
    tables under them (the classified lines and records, the file inventories, streaming's
    JSON records and current states, the seeds)."""
    built = spark_tables(spark_build.spark_dir, ("staging", "marts", "quarantine", "audit"))
    # run_history, node_history: dbt's log of the run, not compared
    compared = [
        table for table in built if table not in ("audit.run_history", "audit.node_history")
    ]
    assert {table for table in compared if not table.startswith("staging.")} == set(PORTED_TABLES)
    assert set(STAGING_TABLES) <= set(compared), set(STAGING_TABLES) - set(compared)
    con = spark_connection(spark_build.spark_dir, compared)

    def spark_rows(sql: str) -> list[tuple[object, ...]]:
        return con.execute(sql).fetchall()

    diffs = compare_tables(str(sample_build.database), spark_rows, compared)
    assert not diffs, "\n".join(map(str, diffs))
    # the same comparison inside DuckDB, as the benchmark makes it at 10M rows
    diffs = compare_tables_in_duckdb(str(sample_build.database), con, compared)
    assert not diffs, "\n".join(map(str, diffs))
    accounted = spark_rows("select distinct source_name from audit.row_accounting order by 1")
    assert [name for (name,) in accounted] == [
        "bank",
        "retail",
        "sales",
        *(f"streaming_{entity}" for entity in sorted(STREAMING_ENTITIES)),
        "trades",
    ]


def test_unit_tests_pass_on_spark(spark_build: SparkBuild) -> None:
    """The dbt unit tests of bank, trades, sales and retail, and streaming's of the JSON reader,
    ran on Spark and passed: every unit test the manifest holds in those sources' folders is
    in the build's run_results.json with status pass (none left out of the spark_tested
    selection, none skipped)."""
    target = spark_build.spark_dir.parent / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    wanted = {
        unique_id
        for unique_id, test in manifest["unit_tests"].items()
        if Path(test["original_file_path"]).parent.name in ("bank", "trades", "sales", "retail")
        or test["name"] == "streaming_json_arrays_and_ndjson_are_read_record_by_record"
    }
    assert len(wanted) >= 20, sorted(wanted)
    results = json.loads((target / "run_results.json").read_text())["results"]
    status = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_")}
    assert {uid: status.get(uid) for uid in wanted} == dict.fromkeys(wanted, "pass")


#: dbt's own generic tests, left out of the Spark tests' build (selectors.yml, spark_tested)
DBT_GENERIC_TESTS = {"not_null", "unique", "accepted_values", "relationships"}


def test_the_projects_own_data_tests_pass_on_spark(spark_build: SparkBuild) -> None:
    """The data tests of the project's own SQL (the generic tests of tests/generic/, each one
    that `spark_ported` uses, and the singular tests) ran on Spark and every one that ran
    passed, or warned where its severity is warn; dbt's own generic tests were left out
    (their tables are compared with DuckDB's instead)."""
    target = spark_build.spark_dir.parent / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("test.")}
    kinds = {
        uid: (manifest["nodes"][uid].get("test_metadata") or {}).get("name", "singular")
        for uid in ran
    }
    assert not DBT_GENERIC_TESTS & set(kinds.values()), sorted(set(kinds.values()))
    # (snapshot_matches_current_state tests the snapshots, which are not on Spark)
    own_generic = {path.stem for path in (PROJECT_DIR / "tests" / "generic").glob("*.sql")} - {
        "snapshot_matches_current_state"
    }
    assert own_generic <= set(kinds.values()), own_generic - set(kinds.values())
    assert list(kinds.values()).count("singular") >= 1
    failed = {
        uid: status
        for uid, status in ran.items()
        if status != "pass"
        and not (status == "warn" and manifest["nodes"][uid]["config"]["severity"] == "warn")
    }
    assert not failed, failed
