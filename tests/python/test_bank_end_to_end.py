"""End to end: raw bank files -> the real dbt CLI -> a real DuckDB file, compared row for row
with an independent implementation of the rules (reference/bank.py) and with what the
generator injected.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.generate.bank import HEADER, generate_bank
from conftest import SAMPLE_RAW_DIR, DbtResult, SampleBuild, selector
from reference.bank import compute_bank

pytestmark = pytest.mark.dbt

Build = Callable[..., DbtResult]
# bank alone, with the row accounting: the other sources are empty in these builds
BANK = selector("bank")


def warehouse_mart(result: DbtResult) -> dict[tuple[str, str], tuple[Decimal, int, Decimal]]:
    rows = result.query(
        "select location, customer_id, sum_amount, transaction_count, avg_amount"
        " from marts.location_customer_avg"
    )
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def warehouse_accounting(result: DbtResult) -> dict[str, tuple[int, int, int, int]]:
    rows = result.query(
        "select source_file, rows_read, rows_accepted, rows_duplicate, rows_quarantined"
        " from audit.row_accounting where source_name = 'bank'"
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def warehouse_reasons(result: DbtResult) -> dict[tuple[str, str], int]:
    rows = result.query(
        "select source_file, rejection_reason, count(*)"
        " from quarantine.quarantine_bank__transactions group by all"
    )
    return {(r[0], r[1]): r[2] for r in rows}


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


def assert_matches_reference(result: DbtResult, raw_dir: Path) -> None:
    expected = compute_bank(raw_dir)
    assert warehouse_accounting(result) == expected.accounting
    assert warehouse_reasons(result) == expected.reasons
    assert warehouse_mart(result) == expected.mart


# --- the shipped sample ------------------------------------------------------------------------


def test_sample_data_builds_and_equals_the_reference(sample_build: SampleBuild) -> None:
    raw_dir = SAMPLE_RAW_DIR
    result = sample_build.result()
    assert_matches_reference(result, raw_dir)
    # the sample is committed, so its numbers are known
    assert warehouse_accounting(result) == {
        "bank/2016_08.csv": (97, 69, 2, 26),
        "bank/2016_09.csv": (100, 68, 3, 29),
        "bank/2016_10.csv": (103, 69, 3, 31),
    }
    assert result.query("select count(*) from marts.location_customer_avg") == [(90,)]
    assert result.query("select count(*) from staging.stg_bank__transactions") == [(206,)]
    reasons = {
        r[0]
        for r in result.query(
            "select distinct rejection_reason from quarantine.quarantine_bank__transactions"
        )
    }
    assert reasons == {
        "malformed_row",
        "missing_transaction_id",
        "conflicting_duplicate",
        "missing_customer_id",
        "missing_location",
        "invalid_amount",
        "non_positive_amount",
        "invalid_transaction_date",
        "invalid_transaction_time",
    }


# --- generated files ---------------------------------------------------------------------------


def test_generated_files_equal_the_reference_and_the_generator_manifest(
    tmp_path: Path, dbt_build: Build
) -> None:
    raw_dir = tmp_path / "raw"
    manifest = generate_bank(
        raw_dir, rows=20_000, seed=7, files=3, defect_rate=0.05, bom_crlf_files={1}
    )
    result = dbt_build(raw_dir, *BANK)
    assert_built(result)
    assert_matches_reference(result, raw_dir)
    assert warehouse_accounting(result) == manifest.expected_accounting()
    assert warehouse_reasons(result) == manifest.expected_reason_counts()

    # every quarantined row keeps its raw line, its file and its line number
    expected = compute_bank(raw_dir)
    quarantined = {
        (r.source_file, r.line_number): (r.line, r.reason)
        for r in expected.rows
        if r.outcome == "quarantined"
    }
    rows = result.query(
        "select source_file, record_number, raw_record, rejection_reason"
        " from quarantine.quarantine_bank__transactions"
    )
    assert {(r[0], r[1]): (r[2], r[3]) for r in rows} == quarantined

    # the accepted rows are exactly the reference's, one per TransactionID
    accepted = {(r.source_file, r.line_number) for r in expected.rows if r.outcome == "accepted"}
    rows = result.query("select source_file, line_number from staging.stg_bank__transactions")
    assert set(rows) == accepted
    assert len(rows) == len(accepted)


def test_a_second_build_changes_nothing(tmp_path: Path, dbt_build: Build) -> None:
    raw_dir = tmp_path / "raw"
    generate_bank(raw_dir, rows=3_000, seed=3, files=2, defect_rate=0.05)
    first = dbt_build(raw_dir, *BANK)
    assert_built(first)
    before = (warehouse_mart(first), warehouse_accounting(first), warehouse_reasons(first))
    second = dbt_build(raw_dir, *BANK)
    assert_built(second)
    assert (warehouse_mart(second), warehouse_accounting(second), warehouse_reasons(second)) == (
        before
    )


def test_a_trailing_slash_in_raw_data_dir_changes_nothing(tmp_path: Path, dbt_build: Build) -> None:
    raw_dir = tmp_path / "raw"
    generate_bank(raw_dir, rows=500, seed=5, files=2, defect_rate=0.05)
    result = dbt_build(f"{raw_dir}/", *BANK)  # a string: a Path would drop the slash
    assert_built(result)
    assert set(warehouse_accounting(result)) == {"bank/2016_08.csv", "bank/2016_09.csv"}
    assert_matches_reference(result, raw_dir)


# --- whole files that are odd ------------------------------------------------------------------


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


@pytest.fixture
def good_raw_dir(tmp_path: Path) -> Path:
    """A raw folder holding one ordinary generated bank file (bank/2016_08.csv)."""
    raw_dir = tmp_path / "raw"
    generate_bank(raw_dir, rows=400, seed=11, files=1, defect_rate=0.05)
    return raw_dir


def file_status(result: DbtResult, source_file: str) -> tuple[str, int]:
    rows = result.query(
        "select file_status, rows_read from staging.stg_bank__transaction_files"
        f" where source_file = '{source_file}'"
    )
    assert len(rows) == 1
    return rows[0]


FILES_WITHOUT_ROWS = [
    ("empty.csv", b"", "empty"),
    ("blank_lines_only.csv", b"\n   \n\t\n", "empty"),
    ("header_only.csv", (HEADER + "\n").encode(), "header_only"),
    ("header_only_bom_crlf.csv", b"\xef\xbb\xbf" + (HEADER + "\r\n").encode(), "header_only"),
]


def test_files_without_rows_build_and_are_accounted_with_zero_rows(
    good_raw_dir: Path, dbt_build: Build
) -> None:
    """All four kinds in one build, beside an ordinary file: each is accounted on its own."""
    reference = compute_bank(good_raw_dir)
    for name, content, _ in FILES_WITHOUT_ROWS:
        write(good_raw_dir / "bank" / name, content)
    result = dbt_build(good_raw_dir, *BANK)
    assert_built(result)
    for name, _, status in FILES_WITHOUT_ROWS:
        assert file_status(result, f"bank/{name}") == (status, 0), name
    assert warehouse_accounting(result) == {
        **reference.accounting,
        **{f"bank/{name}": (0, 0, 0, 0) for name, _, _ in FILES_WITHOUT_ROWS},
    }
    assert warehouse_mart(result) == reference.mart


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        (
            HEADER.replace(",CustLocation", "") + "\nT1,C1,10/1/94,F,1.00,2/8/16,143207,25\n",
            "CustLocation",
        ),
        (
            HEADER.replace("TransactionAmount (INR)", "TransactionAmount")
            + "\nT1,C1,10/1/94,F,PUNE,1.00,2/8/16,143207,25\n",
            "TransactionAmount (INR)",
        ),
        # no header at all: the first line is data
        ("T1,C1,10/1/94,F,PUNE,1.00,2/8/16,143207,25\n", "TransactionID"),
    ],
)
def test_a_file_missing_a_required_column_stops_the_build_naming_it(
    good_raw_dir: Path, dbt_build: Build, content: str, missing: str
) -> None:
    write(good_raw_dir / "bank" / "2016_09.csv", content)
    result = dbt_build(good_raw_dir, *BANK)
    assert result.returncode != 0
    assert "bank file bank/2016_09.csv is unusable: missing required column(s)" in result.output
    assert missing in result.output
    # nothing downstream of the unusable file was built (other sources' marts may be)
    assert result.query(
        "select count(*) from information_schema.tables"
        " where table_schema = 'marts' and table_name = 'location_customer_avg'"
    ) == [(0,)]


def test_extra_and_reordered_columns_are_read_by_header_name(
    tmp_path: Path, good_raw_dir: Path, dbt_build: Build
) -> None:
    reference = compute_bank(good_raw_dir)
    lines = (good_raw_dir / "bank" / "2016_08.csv").read_text().splitlines()
    header = HEADER.split(",")
    order = list(reversed(range(len(header))))

    def reorder(line: str) -> str:
        fields = line.split(",")
        if len(fields) != len(header) or '"' in line:
            return line  # malformed or quoted lines stay as they are (still malformed/valid)
        return ",".join(fields[i] for i in order) + ",web"

    odd_dir = tmp_path / "odd"
    write(
        odd_dir / "bank" / "2016_08.csv",
        ",".join(header[i] for i in order)
        + ",Channel\n"
        + "\n".join(reorder(line) for line in lines[1:])
        + "\n",
    )
    result = dbt_build(odd_dir, *BANK)
    assert_built(result)
    # lines that were reordered: identical outcome; quoted ones keep the reference's outcome
    assert warehouse_mart(result) == compute_bank(odd_dir).mart
    assert result.query("select extra_columns from staging.stg_bank__transaction_files") == [
        (["Channel"],)
    ]
    assert (
        warehouse_accounting(result)["bank/2016_08.csv"][0]
        == (reference.accounting["bank/2016_08.csv"][0])
    )


def test_bom_and_crlf_give_the_same_warehouse_as_plain_lf(
    tmp_path: Path, good_raw_dir: Path, dbt_build: Build
) -> None:
    plain = dbt_build(good_raw_dir, *BANK)
    assert_built(plain)
    # read before the second build: both builds write the same warehouse file
    expected = (warehouse_mart(plain), warehouse_accounting(plain), warehouse_reasons(plain))
    assert expected[0] and expected[2]
    crlf_dir = tmp_path / "crlf"
    content = (good_raw_dir / "bank" / "2016_08.csv").read_bytes()
    write(crlf_dir / "bank" / "2016_08.csv", b"\xef\xbb\xbf" + content.replace(b"\n", b"\r\n"))
    crlf = dbt_build(crlf_dir, *BANK)
    assert_built(crlf)
    assert (warehouse_mart(crlf), warehouse_accounting(crlf), warehouse_reasons(crlf)) == expected


@pytest.mark.parametrize("with_empty_folder", [False, True])
def test_no_bank_files_builds_empty_bank_models_with_a_warning(
    tmp_path: Path, dbt_build: Build, with_empty_folder: bool
) -> None:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    if with_empty_folder:
        (raw_dir / "bank").mkdir()
    result = dbt_build(raw_dir, *BANK)
    assert_built(result)
    assert warehouse_accounting(result) == {}
    assert result.query("select count(*) from marts.location_customer_avg") == [(0,)]
    assert result.query("select count(*) from staging.stg_bank__transaction_files") == [(0,)]
    assert "WARN" in result.output and "at_least_one_stg_bank__transaction_files" in result.output


def test_a_file_that_is_not_utf8_stops_the_build_naming_it(
    good_raw_dir: Path, dbt_build: Build
) -> None:
    write(
        good_raw_dir / "bank" / "2016_09.csv",
        (HEADER + "\n").encode() + "T9,C9,1/1/90,M,MÜNCHEN,1.00,2/8/16,1,5\n".encode("latin-1"),
    )
    result = dbt_build(good_raw_dir, *BANK)
    assert result.returncode != 0
    assert "bank/2016_09.csv is not UTF-8" in result.output


def test_a_copy_of_a_file_under_another_name_is_all_duplicates(
    good_raw_dir: Path, dbt_build: Build
) -> None:
    shutil.copy(good_raw_dir / "bank" / "2016_08.csv", good_raw_dir / "bank" / "2016_08_resent.csv")
    result = dbt_build(good_raw_dir, *BANK)
    assert_built(result)
    accounting = warehouse_accounting(result)
    read, accepted, duplicate, quarantined = accounting["bank/2016_08_resent.csv"]
    # malformed rows are never deduplicated, so they are quarantined again in the copy
    malformed = result.query(
        "select count(*) from quarantine.quarantine_bank__transactions"
        " where source_file = 'bank/2016_08_resent.csv' and rejection_reason = 'malformed_row'"
    )[0][0]
    assert (accepted, quarantined) == (0, malformed)
    assert duplicate == read - malformed
    assert_matches_reference(result, good_raw_dir)
