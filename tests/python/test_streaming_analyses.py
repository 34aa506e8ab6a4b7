"""The seed's streaming questions as analyses (analyses/streaming/) against the mart they explain.

Builds the streaming models from the shipped sample (data/raw), then, for every month of
marts.streaming_monthly_kpis, runs the five month analyses as `dbt compile --select ...
--vars '{kpi_month: ...}'` writes them (compiled for the first and the last month; the other
months' SQL is the first month's with its month literal replaced, proven equal to what dbt
compiles) on the DuckDB file opened read-only, and checks that each answer equals the mart's
column. The outage analysis and the run-operation macro are
checked against a count made here in Python over staging.stg_streaming__streams, and the
analyses' run-time parameters against their error messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import SAMPLE_RAW_DIR, DbtResult, SampleBuild, read_only, run_dbt

pytestmark = pytest.mark.dbt

# analysis -> the mart column it answers, for one month
MONTH_ANALYSES = {
    "pct_streams_based_on_books": "pct_streams_based_on_books",
    "singaporean_book_movies_streamed": "singaporean_book_movies_streamed",
    "avg_stream_duration_minutes": "avg_stream_duration_minutes",
    "median_stream_size_gib": "median_stream_size_gib",
    "users_watched_half_last_week": "users_watched_half_last_week",
}
COMPILED = Path("compiled", "analytics", "analyses", "streaming")


@dataclass
class Warehouse:
    work_dir: Path
    database: Path
    raw_dir: Path

    def dbt(self, *args: str) -> DbtResult:
        return run_dbt(self.raw_dir, self.database, *args, work_dir=self.work_dir)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with read_only(self.database) as con:
            return con.execute(sql).fetchall()

    def compiled(self, analysis: str) -> str:
        return (self.work_dir / "target" / COMPILED / f"{analysis}.sql").read_text()


@pytest.fixture(scope="module")
def warehouse(sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A copy of the session's sample build: dbt compiles and runs operations against it."""
    work = tmp_path_factory.mktemp("streaming_analyses")
    return Warehouse(work, sample_build.copy_to(work), SAMPLE_RAW_DIR)


def vars_arg(values: dict[str, str]) -> str:
    return json.dumps(values)  # JSON is YAML: strings stay strings


def compile_month_analyses(warehouse: Warehouse, month: str) -> dict[str, str]:
    """The five month analyses compiled for one kpi_month, by analysis."""
    compiled = warehouse.dbt(
        "compile", "--select", *MONTH_ANALYSES, "--vars", vars_arg({"kpi_month": month})
    )
    assert compiled.returncode == 0, compiled.output[-3000:]
    return {analysis: warehouse.compiled(analysis) for analysis in MONTH_ANALYSES}


def test_each_month_analysis_equals_the_mart_for_every_month(warehouse: Warehouse) -> None:
    """Every month's answers equal the mart's. dbt compiles the analyses for the first and the
    last month (each new --vars value is a full parse, about 12 s); the first month's SQL with
    its month literal replaced by the last month's must be exactly the last month's SQL, which
    proves that the month enters the SQL as that literal only. So every other month runs the
    first month's SQL with its own literal: what dbt would compile for it."""
    columns = ", ".join(MONTH_ANALYSES.values())
    kpis = warehouse.query(
        f"select stream_month, {columns} from marts.streaming_monthly_kpis order by 1"
    )
    assert len(kpis) >= 2, "the sample should span several months"
    assert any(row[1] is not None for row in kpis)
    first, last = kpis[0][0].isoformat(), kpis[-1][0].isoformat()
    first_sql = compile_month_analyses(warehouse, first)
    last_sql = compile_month_analyses(warehouse, last)
    for analysis, sql in first_sql.items():
        assert f"'{first}'" in sql, analysis
        assert sql.replace(f"'{first}'", f"'{last}'") == last_sql[analysis], analysis
    for month, *expected in kpis:
        answers = []
        for analysis in MONTH_ANALYSES:
            sql = first_sql[analysis].replace(f"'{first}'", f"'{month.isoformat()}'")
            rows = warehouse.query(sql)
            assert len(rows) == 1 and len(rows[0]) == 1, (analysis, rows)
            answers.append(rows[0][0])
        assert dict(zip(MONTH_ANALYSES, answers, strict=True)) == dict(
            zip(MONTH_ANALYSES, expected, strict=True)
        ), month


def affected_users(
    streams: list[tuple[int, datetime, datetime]], start: datetime, end: datetime
) -> tuple[int, int]:
    """Users with a stream overlapping [start, end], and (the seed's reading) covering it."""
    overlapping = {user for user, s, e in streams if s <= end and e >= start}
    covering = {user for user, s, e in streams if s <= start and e >= end}
    return len(overlapping), len(covering)


def test_outage_analysis_and_macro_count_users_with_a_stream_overlapping_the_outage(
    warehouse: Warehouse,
) -> None:
    streams = warehouse.query(
        "select user_id, start_at, end_at from staging.stg_streaming__streams order by start_at"
    )
    # An hour-long outage starting 10 minutes into a stream, where overlapping and covering
    # (the seed's reversed comparison) give different answers.
    for _, stream_start, _ in streams:
        start = (stream_start + timedelta(minutes=10)).replace(microsecond=0)
        end = start + timedelta(hours=1)
        overlapping, covering = affected_users(streams, start, end)
        if overlapping > covering:
            break
    else:
        pytest.fail("no stream in the sample to place an outage on")

    # The end is given in +08:00, the start in UTC: both mean UTC instants.
    outage = {
        "outage_start": start.strftime("%Y-%m-%d %H:%M:%S"),
        "outage_end": (end + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
    }
    compiled = warehouse.dbt(
        "compile", "--select", "users_affected_by_outage", "--vars", vars_arg(outage)
    )
    assert compiled.returncode == 0, compiled.output[-3000:]
    assert warehouse.query(warehouse.compiled("users_affected_by_outage")) == [(overlapping,)]

    printed = warehouse.dbt(
        "run-operation", "streaming_users_affected_by_outage", "--args", vars_arg(outage)
    )
    assert printed.returncode == 0, printed.output[-3000:]
    answer = re.search(
        r"from (.+) to (.+) UTC \(a stream running at some moment of it\): (\d+)", printed.output
    )
    assert answer is not None, printed.output[-3000:]
    assert answer.groups() == (str(start), str(end), str(overlapping))


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ["compile", "--select", "median_stream_size_gib"],
            "the var kpi_month is missing: give it with --vars '{kpi_month: \"2024-01-01\"}'",
        ),
        (
            [
                "compile",
                "--select",
                "median_stream_size_gib",
                "--vars",
                '{"kpi_month": "2024-01-15"}',
            ],
            "kpi_month=2024-01-15 is not the first day of a month",
        ),
        (
            [
                "compile",
                "--select",
                "users_affected_by_outage",
                "--vars",
                '{"outage_start": "2024-01-31 22:00:00", "outage_end": "2024-01-31T21:00:00Z"}',
            ],
            "outage_end (2024-01-31 21:00:00 UTC) is before outage_start (2024-01-31 22:00:00 UTC)",
        ),
        (
            [
                "run-operation",
                "streaming_users_affected_by_outage",
                "--args",
                '{"outage_start": "2024-01-31 20:00:00"}',
            ],
            "outage_end is missing: dbt run-operation streaming_users_affected_by_outage --args",
        ),
        (
            [
                "run-operation",
                "streaming_users_affected_by_outage",
                "--args",
                '{"outage_start": "2024-02-30 20:00:00", "outage_end": "2024-03-01"}',
            ],
            "outage_start=2024-02-30 20:00:00 is not a timestamp",
        ),
    ],
    ids=["missing_month", "not_a_month_start", "end_before_start", "missing_end", "bad_date"],
)
def test_analyses_refuse_missing_or_wrong_parameters_with_a_clear_error(
    warehouse: Warehouse, command: list[str], message: str
) -> None:
    result = warehouse.dbt(*command)
    assert result.returncode != 0
    assert message in result.output, result.output[-3000:]


def test_analyses_compile_without_vars_when_not_asked_for(warehouse: Warehouse) -> None:
    """dbt compile of everything (and docs generate, SQLFluff) must not need the vars: the
    analyses then compile to SQL that fails with the message when run."""
    result = warehouse.dbt("compile", "--select", "path:analyses/streaming", "--vars", "{}")
    # selected explicitly: the clear error
    assert result.returncode != 0
    assert "is missing: give it with --vars" in result.output
    everything = warehouse.dbt("compile")
    assert everything.returncode == 0, everything.output[-3000:]
    sql = warehouse.compiled("users_affected_by_outage")
    with pytest.raises(duckdb.ConversionException, match="the var outage_start is missing"):
        warehouse.query(sql)
