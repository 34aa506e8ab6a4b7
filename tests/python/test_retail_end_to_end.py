"""End to end: raw retail files -> the real dbt CLI -> a real DuckDB file, compared row for row
with an independent implementation of the rules (reference/retail.py); and the incremental
build (new daily files only) compared with a full refresh of the same files.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.generate.retail import HEADER, generate_retail
from conftest import PROJECT_DIR, SAMPLE_RAW_DIR, DbtResult, SampleBuild, run_dbt, selector
from reference.retail import RetailExpected, compute_retail

pytestmark = pytest.mark.dbt

Build = Callable[..., DbtResult]


# retail alone, with the row accounting: the other sources are empty in these builds
RETAIL = selector("retail")


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


def warehouse(result: DbtResult) -> RetailExpected:
    """The warehouse's retail outputs in the reference's shapes."""
    got = RetailExpected()
    got.accounting = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in result.query(
            "select source_file, rows_read, rows_accepted, rows_duplicate, rows_quarantined"
            " from audit.row_accounting where source_name = 'retail'"
        )
    }
    got.reasons = {
        (r[0], r[1]): r[2]
        for r in result.query(
            "select source_file, rejection_reason, count(*)"
            " from quarantine.quarantine_retail__transactions group by all"
        )
    }
    got.accepted = {
        r[0]: tuple(r[1:])
        for r in result.query(
            "select transaction_id, customer_id, product_category, region, quantity,"
            " unit_price, amount, transaction_date from staging.stg_retail__transactions"
        )
    }
    got.daily = {
        r[0]: tuple(r[1:])
        for r in result.query(
            "select transaction_date, transaction_count, customer_count, units_sold, revenue,"
            " average_order_value from marts.daily_revenue"
        )
    }
    got.regional = {
        (r[0], r[1]): tuple(r[2:])
        for r in result.query(
            "select transaction_month, region, transaction_quarter, season, transaction_count,"
            " customer_count, units_sold, revenue, average_order_value, low_price_count,"
            " medium_price_count, high_price_count, premium_price_count"
            " from marts.regional_monthly_metrics"
        )
    }
    got.category = {
        (r[0], r[1]): tuple(r[2:])
        for r in result.query(
            "select transaction_month, product_category, transaction_count, units_sold,"
            " revenue, previous_month_revenue, revenue_growth_rate"
            " from marts.category_monthly_trends"
        )
    }
    got.customers = {
        r[0]: tuple(r[1:])
        for r in result.query(
            "select customer_id, first_purchase_date, last_purchase_date, recency_days,"
            " frequency, monetary, segment from marts.customer_segments"
        )
    }
    return got


def _without_growth(category: dict) -> dict:
    return {key: value[:4] for key, value in category.items()}


def assert_same(got: RetailExpected, expected: RetailExpected) -> None:
    assert got.accounting == expected.accounting
    assert got.reasons == expected.reasons
    assert got.accepted == expected.accepted
    assert got.daily == expected.daily
    assert got.regional == expected.regional
    assert got.customers == expected.customers
    assert _without_growth(got.category) == _without_growth(expected.category)
    # growth is a ratio computed in floating point by the engine: equal to 4 decimals
    for key, value in expected.category.items():
        growth = got.category[key][4]
        if value[4] is None:
            assert growth is None, key
        else:
            assert abs(growth - value[4]) <= Decimal("0.0001"), key


# --- the shipped sample ------------------------------------------------------------------------


def test_sample_builds_and_equals_the_reference(sample_build: SampleBuild) -> None:
    raw = SAMPLE_RAW_DIR
    result = sample_build.result()
    expected = compute_retail(raw)
    assert_same(warehouse(result), expected)
    # the sample is committed, so its numbers are known
    assert warehouse(result).accounting == SAMPLE_ACCOUNTING
    assert sorted({reason for _, reason in expected.reasons}) == sorted(SAMPLE_REASONS)
    assert result.query("select count(*) from marts.customer_segments") == [(39,)]


SAMPLE_ACCOUNTING = {
    "retail/2024-12-27.csv": (80, 45, 4, 31),
    "retail/2024-12-28.csv": (80, 53, 3, 24),
    "retail/2024-12-29.csv": (80, 61, 2, 17),
    "retail/2024-12-30.csv": (80, 48, 2, 30),
    "retail/2024-12-31.csv": (80, 59, 4, 17),
}
SAMPLE_REASONS = (
    "conflicting_duplicate",
    "future_transaction_ts",
    "invalid_quantity",
    "invalid_transaction_ts",
    "invalid_unit_price",
    "malformed_row",
    "missing_customer_id",
    "missing_transaction_id",
    "non_positive_amount",
)


# --- incremental loads -------------------------------------------------------------------------


def _copy(src: Path, dst: Path, names: list[str]) -> None:
    (dst / "retail").mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(src / "retail" / name, dst / "retail" / name)


def test_incremental_loads_equal_a_full_refresh(tmp_path: Path) -> None:
    generated = tmp_path / "generated"
    generate_retail(
        generated, rows=3000, seed=7, files=6, start=dt.date(2024, 10, 30), defect_rate=0.1
    )
    names = sorted(p.name for p in (generated / "retail").glob("*.csv"))
    raw = tmp_path / "raw"
    incremental_db = tmp_path / "incremental" / "warehouse.duckdb"
    incremental_db.parent.mkdir()

    # day 1: the first four files
    _copy(generated, raw, names[:4])
    first = run_dbt(raw, incremental_db, "build", *RETAIL, work_dir=incremental_db.parent)
    assert_built(first)
    first_invocations = first.query(
        "select distinct loaded_by_invocation_id from staging.stg_retail__transaction_files"
    )
    assert len(first_invocations) == 1
    accepted_r1 = first.query(
        "select transaction_id, raw_line, source_file from staging.base_retail__transactions"
        " where row_status = 'accepted' order by source_file, line_number limit 2"
    )

    # day 2: one more file
    _copy(generated, raw, names[4:5])
    second = run_dbt(raw, incremental_db, "build", *RETAIL, work_dir=incremental_db.parent)
    assert_built(second)

    # day 3: the last file, and a late file that contradicts one accepted row of day 1 and
    # repeats another one exactly
    _copy(generated, raw, names[5:])
    (conflicting_id, conflicting_line, _), (copied_id, copied_line, _) = accepted_r1
    fields = conflicting_line.split(",")
    fields[6] = str(int(fields[6]) + 10)
    (raw / "retail" / "2024-12-31_late.csv").write_text(
        f"{HEADER}\n{','.join(fields)}\n{copied_line}\n", encoding="utf-8"
    )
    third = run_dbt(raw, incremental_db, "build", *RETAIL, work_dir=incremental_db.parent)
    assert_built(third)

    # the old files were not read again: their inventory rows are those of the first build
    loaded_by = dict(
        third.query(
            "select source_file, loaded_by_invocation_id from staging.stg_retail__transaction_files"
        )
    )
    assert {loaded_by[f"retail/{n}"] for n in names[:4]} == {first_invocations[0][0]}
    assert len(set(loaded_by.values())) == 3
    # the row accepted on day 1 is now a conflict, both versions quarantined; the copy counts once
    assert sorted(
        third.query(
            "select source_file, rejection_reason from quarantine.quarantine_retail__transactions"
            f" where transaction_id_raw = '{conflicting_id}'"
        )
    ) == sorted(
        [
            ("retail/2024-12-31_late.csv", "conflicting_duplicate"),
            (accepted_r1[0][2], "conflicting_duplicate"),
        ]
    )
    assert third.query(
        "select row_status from staging.base_retail__transactions"
        f" where transaction_id = '{copied_id}' order by source_file, line_number"
    ) == [("accepted",), ("duplicate",)]

    # a full build of the same files, from scratch, gives the same tables
    full_db = tmp_path / "full" / "warehouse.duckdb"
    full_db.parent.mkdir()
    full = run_dbt(raw, full_db, "build", *RETAIL, work_dir=full_db.parent)
    assert_built(full)
    expected = compute_retail(raw)
    assert_same(warehouse(full), expected)
    assert_same(warehouse(third), expected)
    base = (
        "select source_file, line_number, row_status, rejection_reason, copy_number,"
        " transaction_id, amount, transaction_at from staging.base_retail__transactions"
        " order by all"
    )
    assert third.query(base) == full.query(base)


# --- whole files -------------------------------------------------------------------------------


def test_a_file_missing_a_column_stops_the_build_naming_it(
    dbt_build: Build, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    (raw / "retail").mkdir(parents=True)
    (raw / "retail" / "2024-12-30.csv").write_text(
        HEADER.replace(",unit_price", "") + "\nR1,2024-12-30 10:00:00,C1,P1,toys,north,1\n",
        encoding="utf-8",
    )
    (raw / "retail" / "2024-12-31.csv").write_text("", encoding="utf-8")
    result = dbt_build(raw, *RETAIL)
    assert result.returncode != 0
    assert (
        "retail file retail/2024-12-30.csv is unusable: missing required column(s) unit_price"
        in (result.output)
    )


def test_empty_and_header_only_files_are_accounted(dbt_build: Build, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "retail").mkdir(parents=True)
    (raw / "retail" / "a_empty.csv").write_text("", encoding="utf-8")
    (raw / "retail" / "b_header.csv").write_text(HEADER + "\r\n", encoding="utf-8")
    (raw / "retail" / "c_rows.csv").write_text(
        "\ufeff" + HEADER + "\r\n\r\nR1,2024-12-30 10:00:00,C1,P1,toys,north,2,1.50\r\n"
        'R2,2024-12-30T11:00:00,C2,P1,"toys",north,1,1.50\r\n',
        encoding="utf-8",
    )
    result = dbt_build(raw, *RETAIL)
    assert_built(result)
    assert result.query(
        "select source_file, file_status, rows_read from staging.stg_retail__transaction_files"
        " order by source_file"
    ) == [
        ("retail/a_empty.csv", "empty", 0),
        ("retail/b_header.csv", "header_only", 0),
        ("retail/c_rows.csv", "loaded", 2),
    ]
    assert result.query(
        "select transaction_id, line_number, amount from staging.stg_retail__transactions"
        " order by 1"
    ) == [("R1", 3, Decimal("3.00")), ("R2", 4, Decimal("1.50"))]
    assert_same(warehouse(result), compute_retail(raw))


def test_the_as_of_date_quarantines_later_transactions(dbt_build: Build, tmp_path: Path) -> None:
    as_of = "2024-12-30"
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_DIR / "data" / "raw" / "retail", raw / "retail")
    # the whole last day becomes "future": allow more than half of a file quarantined
    result = dbt_build(
        raw, *RETAIL, "--vars", f"{{retail_as_of_date: '{as_of}', max_quarantined_share: 1}}"
    )
    assert_built(result)
    expected = compute_retail(raw, as_of=dt.date.fromisoformat(as_of))
    assert result.query(
        "select count(*) from staging.stg_retail__transactions"
        f" where transaction_date > date '{as_of}'"
    ) == [(0,)]
    assert_same(warehouse(result), expected)
    assert expected.reasons[("retail/2024-12-31.csv", "future_transaction_ts")] > 40
