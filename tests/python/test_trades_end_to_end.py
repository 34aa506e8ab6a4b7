"""End to end: raw trades files -> the real dbt CLI -> a real DuckDB file, compared row for row
with an independent implementation of the rules (reference/trades.py), with what the generator
injected, and with the report files `analytics-report trades` writes.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.generate.trades import HEADER, generate_trades
from analytics.reports import cli as report_cli
from analytics.reports.trades import plain
from conftest import SAMPLE_RAW_DIR, DbtResult, SampleBuild, selector
from reference.trades import TradesExpected, compute_trades

pytestmark = pytest.mark.dbt

Build = Callable[..., DbtResult]
# trades alone, with the row accounting: the other sources are empty in these builds
TRADES = selector("trades")


def warehouse_weekly(result: DbtResult) -> dict[tuple[date, str, int, str], tuple]:
    rows = result.query(
        "select trade_week, client_type, user_id, symbol, total_volume, total_pnl,"
        " trade_count from marts.weekly_trades"
    )
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5], r[6]) for r in rows}


def warehouse_accounting(result: DbtResult) -> dict[str, tuple[int, int, int, int]]:
    rows = result.query(
        "select source_file, rows_read, rows_accepted, rows_duplicate, rows_quarantined"
        " from audit.row_accounting where source_name = 'trades'"
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def warehouse_reasons(result: DbtResult) -> dict[tuple[str, str], int]:
    rows = result.query(
        "select source_file, rejection_reason, count(*)"
        " from quarantine.quarantine_trades__trades group by all"
    )
    return {(r[0], r[1]): r[2] for r in rows}


def warehouse_top(result: DbtResult, by: str) -> list[tuple]:
    return result.query(
        "select client_rank, user_id, total_volume, total_pnl, trade_count"
        f" from marts.top_bronze_clients_by_{by} order by client_rank"
    )


def warehouse_quality(result: DbtResult) -> dict[tuple[str, str], int]:
    rows = result.query(
        "select metric_name, column_name, metric_value from marts.trades_data_quality"
    )
    return {(r[0], r[1]): r[2] for r in rows}


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


def assert_matches_reference(result: DbtResult, expected: TradesExpected) -> None:
    assert warehouse_accounting(result) == expected.accounting
    assert warehouse_reasons(result) == expected.reasons
    assert warehouse_weekly(result) == expected.weekly
    assert warehouse_top(result, "volume") == expected.top_by_volume
    assert warehouse_top(result, "pnl") == expected.top_by_pnl
    assert warehouse_quality(result) == expected.data_quality


def read_report(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


# --- the shipped sample ------------------------------------------------------------------------


def test_sample_data_builds_and_equals_the_reference(
    sample_build: SampleBuild, dbt_build: Build, tmp_path: Path
) -> None:
    raw_dir = SAMPLE_RAW_DIR
    result = sample_build.result()
    assert_matches_reference(result, compute_trades(raw_dir))
    # the sample is committed, so its numbers are known
    assert warehouse_accounting(result) == {
        "trades/2024-01-01.csv": (37, 22, 3, 12),
        "trades/2024-01-08.csv": (54, 38, 2, 14),
        "trades/2024-01-15.csv": (46, 31, 1, 14),
    }
    assert result.query("select count(*) from staging.stg_trades__trades") == [(91,)]
    assert result.query("select count(*) from marts.weekly_trades") == [(64,)]
    quality = warehouse_quality(result)
    assert {k: v for k, v in quality.items() if k[1] == "*"} == {
        ("raw_rows", "*"): 137,
        ("cleaned_rows", "*"): 91,
        ("duplicate_rows", "*"): 6,
        ("filtered_rows", "*"): 40,
        ("malformed_rows", "*"): 5,
        ("aggregated_rows", "*"): 64,
    }
    assert quality["missing_values", "user_id"] == 3
    assert quality["invalid_values", "user_id"] == 8
    reasons = {r for _, r in warehouse_reasons(result)}
    assert reasons == {
        "malformed_row",
        "invalid_timestamp",
        "missing_user_id",
        "invalid_user_id",
        "invalid_client_type",
        "invalid_symbol",
        "invalid_side",
        "invalid_quantity",
        "invalid_price",
    }

    # the reports: exact contents, from the marts, read-only
    reports_dir = tmp_path / "reports"
    args = ["--database", str(result.database), "--reports-dir", str(reports_dir), "trades"]
    assert report_cli.main(args) == 0
    assert read_report(reports_dir / "top3_bronze_by_volume.csv") == [
        ["client_rank", "user_id", "total_volume", "total_pnl", "trade_count"],
        ["1", "1011", "4264.6186", "-995698.23", "12"],
        ["2", "1010", "3380.0523", "-225443.3", "11"],
        ["3", "1004", "3184.7055", "-59877103.61", "9"],
    ]
    assert read_report(reports_dir / "top3_bronze_by_pnl.csv") == [
        ["client_rank", "user_id", "total_volume", "total_pnl", "trade_count"],
        ["1", "1006", "2825.1092", "307500.55", "8"],
        ["2", "1001", "479", "106051.62", "2"],
        ["3", "1008", "578.6216", "-44316.78", "2"],
    ]

    # building again over the same warehouse (what a second `make build` does) gives the same
    # marts: the bank mart's indexes no longer race with the trades marts' rebuild
    sample_build.copy_to(tmp_path)  # dbt_build writes tmp_path/warehouse.duckdb
    again = dbt_build(raw_dir)  # every source, as `make build` does
    assert_built(again)
    assert warehouse_weekly(again) == warehouse_weekly(result)
    assert warehouse_quality(again) == warehouse_quality(result)


# --- generated files ---------------------------------------------------------------------------


def test_generated_files_equal_the_reference_and_the_generator_manifest(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    manifest = generate_trades(
        raw_dir, users=80, weeks=4, seed=7, trades_per_week=5, defect_rate=0.1, bom_crlf_files={1}
    )
    # a copy of a whole file under another name: every well-formed row is a duplicate
    first = raw_dir / "trades" / "2024-01-01.csv"
    (raw_dir / "trades" / "2024-01-01_resent.csv").write_bytes(first.read_bytes())
    # odd whole files that still build
    (raw_dir / "trades" / "empty.csv").write_bytes(b"")
    (raw_dir / "trades" / "header_only.csv").write_bytes(("\ufeff" + HEADER + "\r\n").encode())

    result = dbt_build(raw_dir, *TRADES)
    assert_built(result)
    expected = compute_trades(raw_dir)
    assert_matches_reference(result, expected)

    accounting = warehouse_accounting(result)
    for name, numbers in manifest.expected_accounting().items():
        assert accounting[name] == numbers
    assert accounting["trades/empty.csv"] == (0, 0, 0, 0)
    assert accounting["trades/header_only.csv"] == (0, 0, 0, 0)
    read, accepted, duplicate, quarantined = accounting["trades/2024-01-01_resent.csv"]
    malformed = manifest.files[0].defects["malformed_row"]
    assert (read, accepted, duplicate, quarantined) == (
        manifest.files[0].rows,
        0,
        manifest.files[0].rows - malformed,
        malformed,
    )
    reasons = warehouse_reasons(result)
    for key, count in manifest.expected_reason_counts().items():
        assert reasons[key] == count

    # every quarantined row keeps its raw line, file and line number; accepted rows are exact
    rows = result.query(
        "select source_file, record_number, raw_record, rejection_reason"
        " from quarantine.quarantine_trades__trades"
    )
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == {
        (o.source_file, o.line_number): (o.line, o.reason)
        for o in expected.rows
        if o.outcome == "quarantined"
    }
    rows = result.query("select source_file, line_number from staging.stg_trades__trades")
    assert sorted(rows) == sorted(
        (o.source_file, o.line_number) for o in expected.rows if o.outcome == "accepted"
    )
    # the marts are not trivially empty and the sides both occur
    assert len(expected.weekly) > 300
    assert any(pnl < 0 for _, pnl, _ in expected.weekly.values())
    assert any(pnl > 0 for _, pnl, _ in expected.weekly.values())

    # the report files are the reference's top 3, written plainly
    reports_dir = tmp_path / "reports"
    args = ["--database", str(result.database), "--reports-dir", str(reports_dir), "trades"]
    assert report_cli.main(args) == 0
    for by, top in (("volume", expected.top_by_volume), ("pnl", expected.top_by_pnl)):
        assert read_report(reports_dir / f"top3_bronze_by_{by}.csv")[1:] == [
            [str(plain(v)) for v in row] for row in top
        ]


# --- a hand-written file: week edges, offsets, PnL sign ------------------------------------------

HAND_WRITTEN = "\n".join(
    [
        HEADER,
        "2024-03-10 23:30:00,1,bronze,AAPL,buy,2,10",  # Sun 23:30 UTC: week of 03-04
        "2024-03-11T00:30:00+02:00,1,Bronze,aapl,SELL,1,30",  # Sun 22:30 UTC: week of 03-04
        "2024-03-10T23:30:00-05:00,1,bronze,AAPL,buy,1,5",  # Mon 04:30 UTC: week of 03-11
        "2024-03-11 00:30:00Z,2, gold ,MSFT,sell,0.5,100.5",  # Mon 00:30 UTC: week of 03-11
        "2024-03-11 00:30:00Z,2, gold ,MSFT,sell,0.5,100.5",  # duplicate
        "2024-03-11 00:30:00Z,3,bronze,MSFT,buy,1,0",  # invalid_price
        "",
    ]
)


def test_a_hand_written_file_gives_exact_weeks_and_pnl(tmp_path: Path, dbt_build: Build) -> None:
    raw_dir = tmp_path / "raw"
    (raw_dir / "trades").mkdir(parents=True)
    (raw_dir / "trades" / "edges.csv").write_text(HAND_WRITTEN, encoding="utf-8")
    result = dbt_build(raw_dir, *TRADES)
    assert_built(result)
    assert warehouse_weekly(result) == {
        (date(2024, 3, 4), "bronze", 1, "AAPL"): (Decimal(3), Decimal(10), 2),
        (date(2024, 3, 11), "bronze", 1, "AAPL"): (Decimal(1), Decimal(-5), 1),
        (date(2024, 3, 11), "gold", 2, "MSFT"): (Decimal("0.5"), Decimal("50.25"), 1),
    }
    assert warehouse_accounting(result) == {"trades/edges.csv": (6, 4, 1, 1)}
    assert warehouse_top(result, "volume") == [(1, 1, Decimal(4), Decimal(5), 3)]
    assert_matches_reference(result, compute_trades(raw_dir))


# --- whole files that stop the build, and no files at all --------------------------------------


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        (HEADER.replace(",side", "") + "\n2024-03-11 10:00:00,1,bronze,AAPL,1,10\n", "side"),
        ("2024-03-11 10:00:00,1,bronze,AAPL,buy,1,10\n", "timestamp"),  # no header
    ],
)
def test_a_file_missing_a_required_column_stops_the_build_naming_it(
    tmp_path: Path, dbt_build: Build, content: str, missing: str
) -> None:
    raw_dir = tmp_path / "raw"
    generate_trades(raw_dir, users=5, weeks=1, seed=1)
    (raw_dir / "trades" / "bad.csv").write_text(content, encoding="utf-8")
    result = dbt_build(raw_dir, *TRADES)
    assert result.returncode != 0
    assert "trades file trades/bad.csv is unusable: missing required column(s)" in result.output
    assert missing in result.output
    assert result.query(
        "select count(*) from information_schema.tables where table_name = 'weekly_trades'"
    ) == [(0,)]


def test_no_trades_files_builds_empty_trades_models_with_a_warning(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    (raw_dir / "trades").mkdir(parents=True)
    result = dbt_build(raw_dir, *TRADES)
    assert_built(result)
    assert warehouse_accounting(result) == {}
    assert result.query("select count(*) from marts.weekly_trades") == [(0,)]
    assert result.query("select count(*) from marts.top_bronze_clients_by_pnl") == [(0,)]
    quality = warehouse_quality(result)
    assert len(quality) == 20
    assert set(quality.values()) == {0}
    assert "WARN" in result.output and "at_least_one_stg_trades__trade_files" in result.output
