"""End to end: raw sales files -> the real dbt CLI -> a real DuckDB file, compared row for row
with an independent implementation of the rules (reference/sales.py) and with what the
generator injected; the incremental marts against a full refresh; the report files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.generate.sales import (
    DUPLICATE_KINDS,
    HEADER,
    generate_sales,
)
from analytics.reports import cli as report_cli
from conftest import SAMPLE_RAW_DIR, DbtResult, SampleBuild, run_dbt, selector
from reference.sales import REASONS, compute_sales

pytestmark = pytest.mark.dbt

Build = Callable[..., DbtResult]
# sales alone, with the row accounting: the other sources are empty in these builds
SALES_ONLY = selector("sales")


def daily_sales(result: DbtResult) -> dict[tuple[date, str], tuple[int, int, Decimal]]:
    rows = result.query(
        "select sales_date, channel, order_count, units_sold, revenue from marts.daily_sales"
    )
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def top_products(result: DbtResult) -> dict[tuple[date, int], tuple[str, int, Decimal]]:
    rows = result.query(
        "select sales_date, product_rank, product_id, units_sold, revenue"
        " from marts.daily_top_products"
    )
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def accounting(result: DbtResult) -> dict[str, tuple[int, int, int, int]]:
    rows = result.query(
        "select source_file, rows_read, rows_accepted, rows_duplicate, rows_quarantined"
        " from audit.row_accounting where source_name = 'sales'"
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def base_accounting(result: DbtResult) -> dict[str, tuple[int, int, int, int]]:
    """The same numbers from the classification (for builds that skip audit)."""
    rows = result.query(
        "select f.source_file, f.rows_read,"
        " count(*) filter (where b.row_status = 'accepted'),"
        " count(*) filter (where b.row_status = 'duplicate'),"
        " count(*) filter (where b.row_status = 'quarantined')"
        " from staging.stg_sales__files f"
        " left join staging.base_sales__order_lines b on b.source_file = f.source_file"
        " group by all"
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def reasons(result: DbtResult) -> dict[tuple[str, str], int]:
    rows = result.query(
        "select source_file, rejection_reason, count(*)"
        " from quarantine.quarantine_sales__order_lines group by all"
    )
    return {(r[0], r[1]): r[2] for r in rows}


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


def assert_matches_reference(result: DbtResult, raw_dir: Path, audit: bool = True) -> None:
    expected = compute_sales(raw_dir)
    assert (accounting(result) if audit else base_accounting(result)) == expected.accounting
    assert reasons(result) == expected.reasons
    assert daily_sales(result) == expected.daily_sales
    assert top_products(result) == expected.top_products


# --- the shipped sample ------------------------------------------------------------------------


def test_sample_data_builds_and_equals_the_reference(sample_build: SampleBuild) -> None:
    raw_dir = SAMPLE_RAW_DIR
    result = sample_build.result()
    assert_matches_reference(result, raw_dir)
    # the sample is committed, so its numbers are known
    totals = [sum(v[i] for v in accounting(result).values()) for i in range(4)]
    assert totals == [360, 255, 17, 88]
    assert len(accounting(result)) == 9
    assert result.query("select count(*), sum(units_sold) from marts.daily_sales") == [(9, 637)]
    assert result.query("select count(*) from marts.daily_top_products") == [(15,)]
    found = {r[1] for r in reasons(result)}
    assert found == set(REASONS)
    # comment and blank lines are counted in the inventory, not as rows
    assert result.query(
        "select sum(comment_lines), sum(blank_lines), sum(rows_read) from staging.stg_sales__files"
    ) == [(19, 20, 360)]


# --- generated files ---------------------------------------------------------------------------


def test_generated_files_equal_the_reference_and_the_generator_manifest(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    manifest = generate_sales(
        raw_dir, days=4, rows_per_file=150, seed=7, defect_rate=0.15, bom_crlf_file=(1, "web")
    )
    result = dbt_build(raw_dir, *SALES_ONLY)
    assert_built(result)
    assert_matches_reference(result, raw_dir)
    found = reasons(result)
    for f in manifest.files:
        read, _, duplicates, _ = accounting(result)[f.name]
        assert (read, duplicates) == (f.rows, f.duplicates)
        for reason, n in f.expected_rule_reasons().items():
            if reason == "revenue_outlier":
                # every injected outlier is caught; clean lines may be outliers too
                assert found.get((f.name, reason), 0) >= n
            else:
                assert found.get((f.name, reason), 0) == n
    assert sum(manifest.defects[k] for k in DUPLICATE_KINDS) > 0
    # every quarantined row keeps its raw line, its file and its line number
    expected = compute_sales(raw_dir)
    rows = result.query(
        "select source_file, record_number, raw_record, rejection_reason"
        " from quarantine.quarantine_sales__order_lines"
    )
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == {
        (r.source_file, r.line_number): (r.line, r.reason)
        for r in expected.rows
        if r.outcome == "quarantined"
    }


# --- incremental marts -------------------------------------------------------------------------


def mart_rows(result: DbtResult, mart: str) -> dict[tuple[object, ...], object]:
    """key -> (values..., updated_at) of one mart."""
    key = "channel" if mart == "daily_sales" else "product_rank"
    rows = result.query(
        f"select sales_date, {key}, * exclude (sales_date, {key}) from marts.{mart}"
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def test_incremental_builds_touch_only_changed_days_and_equal_a_full_refresh(
    tmp_path: Path,
) -> None:
    every_day = tmp_path / "every_day"
    generate_sales(every_day, days=4, rows_per_file=60, seed=21, defect_rate=0.1)
    raw_dir = tmp_path / "raw"
    (raw_dir / "sales").mkdir(parents=True)
    day1, day2, day3, day4 = (date(2025, 9, d) for d in (12, 13, 14, 15))
    late = "sales/store_2025-09-13.csv"
    for path in sorted((every_day / "sales").glob("*.csv")):
        name = f"sales/{path.name}"
        if name != late and day4.isoformat() not in name:
            shutil.copy(path, raw_dir / name)
    database = tmp_path / "incremental.duckdb"

    first = run_dbt(raw_dir, database, "build", *SALES_ONLY, work_dir=tmp_path / "w1")
    assert_built(first)
    assert_matches_reference(first, raw_dir, audit=False)
    before = {m: mart_rows(first, m) for m in ("daily_sales", "daily_top_products")}

    # a new day, and a late file for an old day
    shutil.copy(every_day / late, raw_dir / late)
    for path in (every_day / "sales").glob(f"*_{day4.isoformat()}.csv"):
        shutil.copy(path, raw_dir / "sales" / path.name)
    second = run_dbt(raw_dir, database, "build", *SALES_ONLY, work_dir=tmp_path / "w2")
    assert_built(second)
    assert_matches_reference(second, raw_dir, audit=False)
    after = {m: mart_rows(second, m) for m in ("daily_sales", "daily_top_products")}
    for mart in after:
        unchanged = {k: v for k, v in after[mart].items() if k[0] in (day1, day3)}
        assert unchanged == {k: v for k, v in before[mart].items() if k[0] in (day1, day3)}
        stamps = {k[0]: v[-1] for k, v in after[mart].items()}
        old_stamp = next(iter(before[mart].values()))[-1]
        new_stamps = {day for day, stamp in stamps.items() if stamp != old_stamp}
        assert day4 in new_stamps and new_stamps <= {day2, day4}
    # the late store file changed day 2's store row (it did not exist before)
    assert (day2, "store") not in before["daily_sales"]
    assert (day2, "store") in after["daily_sales"]

    # a third build on the same files changes nothing, not even updated_at
    third = run_dbt(raw_dir, database, "build", *SALES_ONLY, work_dir=tmp_path / "w3")
    assert_built(third)
    assert {m: mart_rows(third, m) for m in after} == after

    # a full refresh of the same files into another file gives the same marts
    full = run_dbt(
        raw_dir,
        tmp_path / "full.duckdb",
        "build",
        "--full-refresh",
        *SALES_ONLY,
        work_dir=tmp_path / "w4",
    )
    assert_built(full)
    for mart in after:
        strip = lambda rows: {k: v[:-1] for k, v in rows.items()}  # noqa: E731
        assert strip(mart_rows(full, mart)) == strip(after[mart])

    # a file removed: its rows disappear from the marts (rank and channel rows deleted)
    (raw_dir / late).unlink()
    fourth = run_dbt(raw_dir, database, "build", *SALES_ONLY, work_dir=tmp_path / "w5")
    assert_built(fourth)
    assert_matches_reference(fourth, raw_dir, audit=False)
    assert (day2, "store") not in daily_sales(fourth)


# --- whole files that are odd ------------------------------------------------------------------


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


GOOD_LINE = "O1,2025-09-12T10:00:00,P1,2,1.50"


@pytest.mark.parametrize(
    "name",
    [
        "notes.csv",
        "web_2025-02-30.csv",
        "Web_2025-09-12.csv",
    ],
)
def test_a_badly_named_file_stops_the_build_naming_it(
    tmp_path: Path, dbt_build: Build, name: str
) -> None:
    raw_dir = tmp_path / "raw"
    write(raw_dir / "sales" / "web_2025-09-12.csv", f"{HEADER}\n{GOOD_LINE}\n")
    write(raw_dir / "sales" / name, f"{HEADER}\n{GOOD_LINE}\n")
    result = dbt_build(raw_dir, *SALES_ONLY)
    assert result.returncode != 0
    assert f"sales file sales/{name} is unusable: its name does not match" in result.output
    assert result.query(
        "select count(*) from information_schema.tables where table_schema = 'marts'"
        " and table_name in ('daily_sales', 'daily_top_products')"
    ) == [(0,)]


def test_a_file_missing_a_required_column_stops_the_build_naming_it(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    write(
        raw_dir / "sales" / "web_2025-09-12.csv",
        "# comment first\norder_id,product_id,quantity,unit_price\nO1,P1,2,1.50\n",
    )
    result = dbt_build(raw_dir, *SALES_ONLY)
    assert result.returncode != 0
    assert "sales file sales/web_2025-09-12.csv is unusable: missing required column(s)" in (
        result.output
    )
    assert "timestamp" in result.output


def test_empty_header_only_and_comment_only_files_build_with_zero_rows(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    files = {
        "web_2025-09-12.csv": f"# export\n\n{HEADER}\n  # indented comment\n{GOOD_LINE}\n\n",
        "mobile_2025-09-12.csv": "",
        "store_2025-09-12.csv": "# nothing today\n\n",
        "web_2025-09-13.csv": f"\ufeff# only a header\r\n{HEADER}\r\n",
    }
    for name, content in files.items():
        write(raw_dir / "sales" / name, content)
    result = dbt_build(raw_dir, *SALES_ONLY)
    assert_built(result)
    assert accounting(result) == {
        "sales/web_2025-09-12.csv": (1, 1, 0, 0),
        "sales/mobile_2025-09-12.csv": (0, 0, 0, 0),
        "sales/store_2025-09-12.csv": (0, 0, 0, 0),
        "sales/web_2025-09-13.csv": (0, 0, 0, 0),
    }
    assert result.query(
        "select source_file, file_status, comment_lines, blank_lines, header_line_number"
        " from staging.stg_sales__files order by source_file"
    ) == [
        ("sales/mobile_2025-09-12.csv", "empty", 0, 0, None),
        ("sales/store_2025-09-12.csv", "empty", 1, 1, None),
        ("sales/web_2025-09-12.csv", "loaded", 2, 2, 3),
        ("sales/web_2025-09-13.csv", "header_only", 1, 0, 2),
    ]
    assert daily_sales(result) == {(date(2025, 9, 12), "web"): (1, 2, Decimal("3.00"))}


def test_no_sales_files_builds_empty_sales_models_with_a_warning(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    (raw_dir / "sales").mkdir(parents=True)
    result = dbt_build(raw_dir, *SALES_ONLY)
    assert_built(result)
    assert accounting(result) == {}
    assert daily_sales(result) == {}
    assert "at_least_one_stg_sales__files" in result.output


# --- reports -----------------------------------------------------------------------------------

REPORT_FILES = {
    "web_2025-09-12.csv": [
        "O1,2025-09-12T10:00:00,A,2,1.50",
        "O1,2025-09-12T10:05:00Z,B,1,10.00",
        "O2,2025-09-12 11:00:00,A,3,1.50",
        "O2,2025-09-12T11:00:00,A,9,1.50",  # duplicate key: counts once, first wins
        "O3,2025-09-12T12:00:00+02:00,C,5,2.00",
        "O4,2025-09-12T12:00:00,D,-1,2.00",  # quarantined
    ],
    "store_2025-09-12.csv": [
        "S1,2025-09-12T09:00:00,C,1,2.00",
        "S1,2025-09-12T09:00:00,E,6,0.50",
        "S2,2025-09-12T23:30:00-02:00,F,4,1.00",  # 2025-09-13 in UTC
    ],
    "web_2025-09-14.csv": ["O9,2025-09-14T08:00:00,A,1,1.50"],
}

EXPECTED_REPORTS = {
    "daily_sales_2025-09-12.csv": (
        "sales_date,channel,order_count,units_sold,revenue\n"
        "2025-09-12,store,1,7,5.00\n"
        "2025-09-12,web,3,11,27.50\n"
    ),
    "top5_products_2025-09-12.csv": (
        "sales_date,product_rank,product_id,units_sold,revenue\n"
        "2025-09-12,1,C,6,12.00\n"
        "2025-09-12,2,E,6,3.00\n"
        "2025-09-12,3,A,5,7.50\n"
        "2025-09-12,4,B,1,10.00\n"
    ),
    "daily_sales_2025-09-13.csv": (
        "sales_date,channel,order_count,units_sold,revenue\n2025-09-13,store,1,4,4.00\n"
    ),
    "top5_products_2025-09-13.csv": (
        "sales_date,product_rank,product_id,units_sold,revenue\n2025-09-13,1,F,4,4.00\n"
    ),
}


@pytest.fixture(scope="module")
def report_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("reports")
    for name, lines in REPORT_FILES.items():
        write(work / "raw" / "sales" / name, "\n".join([HEADER, *lines]) + "\n")
    result = run_dbt(work / "raw", work / "warehouse.duckdb", "build", *SALES_ONLY)
    assert_built(result)
    return work / "warehouse.duckdb"


def report(database: Path, reports_dir: Path, *args: str) -> int:
    return report_cli.main(
        ["--database", str(database), "--reports-dir", str(reports_dir), "sales", *args]
    )


def contents(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_a_backfill_range_writes_exact_files_for_every_date_with_sales(
    report_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert report(report_warehouse, out, "--from", "2025-09-11", "--to", "2025-09-13") == 0
    assert contents(out) == EXPECTED_REPORTS
    assert "no sales data for 1 date(s): 2025-09-11" in capsys.readouterr().err


def test_one_date_writes_its_two_files(report_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert report(report_warehouse, out, "--date", "2025-09-14") == 0
    assert contents(out) == {
        "daily_sales_2025-09-14.csv": (
            "sales_date,channel,order_count,units_sold,revenue\n2025-09-14,web,1,1,1.50\n"
        ),
        "top5_products_2025-09-14.csv": (
            "sales_date,product_rank,product_id,units_sold,revenue\n2025-09-14,1,A,1,1.50\n"
        ),
    }


def test_a_date_without_sales_writes_nothing_and_says_so(
    report_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert report(report_warehouse, out, "--date", "2025-10-01") == 1
    assert contents(out) == {}
    assert "no sales data for 1 date(s): 2025-10-01" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ("--date", "../../etc/x"),
        ("--date", "2025-02-30"),
        ("--date", "2025-9-1"),
        ("--date", "2025-09-12/../../x"),
        ("--from", "2025-09-14", "--to", "2025-09-12"),
        ("--from", "2025-09-12"),
        ("--date", "2025-09-12", "--to", "2025-09-13"),
    ],
)
def test_invalid_dates_are_errors_and_write_nothing(
    report_warehouse: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
) -> None:
    out = tmp_path / "reports"
    assert report(report_warehouse, out, *args) == 2
    assert "analytics-report: error:" in capsys.readouterr().err
    assert contents(out) == {}
    assert list(tmp_path.rglob("*.csv")) == []
