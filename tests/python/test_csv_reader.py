"""The CSV reader's edge cases, source by source: small hand-written files -> the real dbt CLI
-> a real DuckDB file, one build per source (streaming: users, movies and streams together).

Every CSV source gets the same two files, written from its own declarations below:

- a main file (LF line endings) holding, at fixed line numbers, quoted fields with an LF, a CR
  and a CRLF inside (2-line records), a 0x1F byte and a NUL byte inside a field, a blank line
  and (sales) a `#` comment line, a byte-order mark at the start of an exact copy of an earlier
  record, a quote that is opened and only closed three lines later, a record with a field too
  many and one with a field too few;
- a file with CR-only line endings (a blank line, and a field too few on its last line).

Each build must succeed (none of these cases may stop it). Then the classification of every
record (first line, line count, status, reason), the quarantine rows (line range, reason, raw
text), the values staging keeps, and the row accounting are compared with what the files were
written to hold: the numbers below were counted by hand from the layout, never taken from the
warehouse. A file that is not UTF-8 must stop the build naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest

from conftest import DbtResult, selector

pytestmark = pytest.mark.dbt

Build = Callable[..., DbtResult]
BOM = "\ufeff"


@dataclass(frozen=True)
class Accounting:
    """One row of audit.row_accounting, in records and in lines."""

    rows_read: int
    rows_accepted: int
    rows_duplicate: int
    rows_quarantined: int
    physical_lines: int
    header_lines: int
    blank_lines: int
    comment_lines: int
    lines_accepted: int
    lines_duplicate: int
    lines_quarantined: int


# --- the two files every source gets --------------------------------------------------------
#
# Main file, LF line endings ("P" is the source's probe column, `a`/`b` the halves of its value):
#
#   line   record                                             lines  outcome
#   1      header                                             1      header
#   2-4    valid rows 1, 2, 3                                 1 each accepted
#   5-6    row 4, P = "a<LF>b" (quoted)                       2      probe
#   7-8    row 5, P = "a<CR>b" (quoted)                       2      probe
#   9-10   row 6, P = "a<CR><LF>b" (quoted)                   2      probe
#   11     row 7, P = a<0x1F>b (unquoted)                     1      probe
#   12     row 8, P = a<NUL>b (unquoted)                      1      probe
#   13     " \t"                                              1      blank
#   14     "" (sales: a `#` comment line)                     1      blank (sales: comment)
#   15     BOM + an exact copy of row 2 (line 3)              1      duplicate
#   16-19  row 9 with P = "ab (never closed on its line),     4      malformed
#          rows 10 and 11, row 12 with P = a"b (the quote
#          that closes it); lines 16, 17 and 18 end with
#          CRLF, CR and LF: the raw text keeps each break
#   20     row 13 and one field more                          1      malformed
#   21     row 14 without its last field                      1      malformed
#   22-26  valid rows 15 .. 19                                1 each accepted
#
# "probe" records are accepted or quarantined as the source's rules say of the probe column.
# 26 physical lines; 17 records (rows read) after the header:
#   probe accepted:    13 accepted (16 lines), 1 duplicate (1), 3 quarantined (6 lines)
#   probe quarantined:  8 accepted (8 lines),  1 duplicate (1), 8 quarantined (14 lines)
# (8 of 17 quarantined stays within the 0.5 share the accounting's data test allows.)
#
# CR file, CR-only line endings (a CR after the last line too):
#
#   1 header; 2 row 101; 3 "" (blank); 4 row 102; 5 row 103; 6 row 104 without its last field
#
# 6 physical lines; 4 records: 3 accepted (lines 2, 4, 5), 1 quarantined malformed (line 6).

BREAKS = {5: "\n", 7: "\r", 9: "\r\n"}  # first line of the record -> the break in its field
BYTES = {11: "\x1f", 12: "\x00"}
PROBE_LINES = (5, 7, 9, 11, 12)
CR_ACCOUNTING = Accounting(4, 3, 0, 1, 6, 1, 1, 0, 3, 0, 1)
PROBE_ACCEPTED = Accounting(17, 13, 1, 3, 26, 1, 2, 0, 16, 1, 6)
PROBE_QUARANTINED = Accounting(17, 8, 1, 8, 26, 1, 2, 0, 8, 1, 14)
SALES_ACCOUNTING = Accounting(17, 8, 1, 8, 26, 1, 1, 1, 8, 1, 14)


@dataclass(frozen=True)
class CsvSource:
    """What differs from one CSV source (or streaming entity) to another."""

    name: str  # source_name in audit.row_accounting
    selector: str  # the build that reads it: selector(<this>)
    main_file: str
    cr_file: str
    header: str
    row: Callable[[int], str]  # a valid row (no quotes); the number makes its key unique
    probe: str  # the column that holds the line breaks, the bytes and the broken quote
    halves: tuple[str, str]  # the probe's value around the break or byte
    base: str  # the classification model (schema staging): one row per record
    quarantine: str  # schema quarantine
    quarantine_probe: str  # the probe's raw column there
    main_accounting: Accounting
    # None: the probe records are accepted; else the reason they are quarantined with
    probe_reason: str | None = None
    # where accepted probe records are read back: the accepted rows (schema staging) and the
    # probe's column there
    staging: str | None = None
    staging_probe: str | None = None
    # how staging keeps an accepted probe value: None = exactly as delivered
    probe_kept_as: str | None = None
    comment: str | None = None  # a comment line (sales), else that line is blank
    number: str = "line_number"  # the base model's column of the record's place
    malformed: str = "malformed_row"


STREAMING = {"number": "record_number", "malformed": "malformed_record"}

SOURCES = [
    CsvSource(
        name="bank",
        selector="bank",
        main_file="bank/2016_08.csv",
        cr_file="bank/2016_09.csv",
        header="TransactionID,CustomerID,CustomerDOB,CustGender,CustLocation,"
        "CustAccountBalance,TransactionDate,TransactionTime,TransactionAmount (INR)",
        row=lambda i: f"T{i},C{i},10/1/94,F,PUNE,1000.00,2/8/16,143207,{i}.50",
        # CustLocation is free text (a city): a line break or a control byte in it is kept
        # as delivered (already upper case, no surrounding spaces) and the row is accepted
        probe="CustLocation",
        halves=("NEW", "DELHI"),
        base="base_bank__transactions",
        quarantine="quarantine_bank__transactions",
        quarantine_probe="location_raw",
        staging="stg_bank__transactions",
        staging_probe="location",
        main_accounting=PROBE_ACCEPTED,
    ),
    CsvSource(
        name="trades",
        selector="trades",
        main_file="trades/2024-01-01.csv",
        cr_file="trades/2024-01-08.csv",
        header="timestamp,user_id,client_type,symbol,side,quantity,price",
        row=lambda i: f"2024-01-02T10:00:{i % 60:02d},{1000 + i},bronze,AMZN,buy,3,10.50",
        # symbol is a ticker: one holding a line break or a control byte is not one, so the
        # row is quarantined invalid_symbol (not malformed: its fields are all there)
        probe="symbol",
        halves=("AM", "ZN"),
        probe_reason="invalid_symbol",
        base="base_trades__trades",
        quarantine="quarantine_trades__trades",
        quarantine_probe="symbol_raw",
        main_accounting=PROBE_QUARANTINED,
    ),
    CsvSource(
        name="sales",
        selector="sales",
        main_file="sales/web_2025-09-12.csv",
        cr_file="sales/store_2025-09-12.csv",
        header="order_id,timestamp,product_id,quantity,unit_price",
        # one product per row: no (product, day) group is large enough for the outlier rule
        row=lambda i: f"W{i:04d},2025-09-12T10:00:00,P{i:03d},3,2.50",
        # quantity is an integer: "1<LF>2" or "1<NUL>2" is none, so invalid_quantity
        probe="quantity",
        halves=("1", "2"),
        probe_reason="invalid_quantity",
        base="base_sales__order_lines",
        quarantine="quarantine_sales__order_lines",
        quarantine_probe="quantity_raw",
        main_accounting=SALES_ACCOUNTING,
        comment="# web export, 2025-09-12",
    ),
    CsvSource(
        name="retail",
        selector="retail",
        main_file="retail/2024-12-30.csv",
        cr_file="retail/2024-12-31.csv",
        header="transaction_id,transaction_ts,customer_id,product_id,product_category,"
        "region,quantity,unit_price",
        row=lambda i: f"R{i},2024-12-30 10:00:00,C{i},P{i},books,west,3,9.99",
        # quantity is an integer: "1<LF>2" or "1<NUL>2" is none, so invalid_quantity
        probe="quantity",
        halves=("1", "2"),
        probe_reason="invalid_quantity",
        base="base_retail__transactions",
        quarantine="quarantine_retail__transactions",
        quarantine_probe="quantity_raw",
        main_accounting=PROBE_QUARANTINED,
    ),
    CsvSource(
        name="streaming_users",
        selector="streaming",
        main_file="streaming/2024-01-01/users.csv",
        cr_file="streaming/2024-01-02/users.csv",
        header="id,name,email,country,signup_date,updated_at",
        row=lambda i: f"{i},User {i},user{i}@example.com,Germany,2023-05-01,2024-01-01T10:00:00Z",
        # name is free text, cleaned: every control character (LF, CR, 0x1F, NUL) becomes a
        # space, runs of spaces one space; the record is accepted
        probe="name",
        halves=("Line", "Feed"),
        probe_kept_as="Line Feed",
        base="base_streaming__users",
        quarantine="quarantine_streaming__users",
        quarantine_probe="name_raw",
        staging="stg_streaming__users",
        staging_probe="user_name",
        main_accounting=PROBE_ACCEPTED,
        **STREAMING,
    ),
    CsvSource(
        name="streaming_movies",
        selector="streaming",
        main_file="streaming/2024-01-01/movies.csv",
        cr_file="streaming/2024-01-02/movies.csv",
        header="id,title,duration_mins,based_on_book,book_id,release_year,updated_at",
        row=lambda i: f"{i},Movie {i},90,false,,2001,2024-01-01T10:00:00Z",
        # title is free text, cleaned as the users' names are; the record is accepted
        probe="title",
        halves=("Night", "Fall"),
        probe_kept_as="Night Fall",
        base="base_streaming__movies",
        quarantine="quarantine_streaming__movies",
        quarantine_probe="title_raw",
        staging="stg_streaming__movies",
        staging_probe="movie_title",
        main_accounting=PROBE_ACCEPTED,
        **STREAMING,
    ),
    CsvSource(
        name="streaming_streams",
        selector="streaming",
        main_file="streaming/2024-01-01/streams.csv",
        cr_file="streaming/2024-01-02/streams.csv",
        header="id,user_id,movie_id,start_at,end_at,size_mb,updated_at",
        # every stream is of movie 1, accepted in the movies file above
        row=lambda i: (
            f"{i},{i},1,2024-01-01 10:00:00,2024-01-01 11:00:00,110.5,2024-01-01 11:05:00"
        ),
        # size_mb is a decimal: "1<LF>2" or "1<NUL>2" is none, so invalid_size
        probe="size_mb",
        halves=("1", "2"),
        probe_reason="invalid_size",
        base="base_streaming__streams",
        quarantine="quarantine_streaming__streams",
        quarantine_probe="size_mb_raw",
        main_accounting=PROBE_QUARANTINED,
        **STREAMING,
    ),
]
SELECTORS = ["bank", "trades", "sales", "retail", "streaming"]


# --- writing the files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A record as written: its first line (hand-numbered), text, line count and outcome."""

    line: int
    text: str
    line_count: int
    outcome: str  # accepted, duplicate, malformed, probe
    probe_value: str | None = None


def with_probe(source: CsvSource, i: int, value: str) -> str:
    fields_ = source.row(i).split(",")
    fields_[source.header.split(",").index(source.probe)] = value
    return ",".join(fields_)


def without_last_field(source: CsvSource, i: int) -> str:
    return source.row(i).rsplit(",", 1)[0]


def main_records(source: CsvSource) -> list[Record]:
    a, b = source.halves
    broken = [
        with_probe(source, 9, f'"{a}{b}'),
        source.row(10),
        source.row(11),
        with_probe(source, 12, f'{a}"{b}'),
    ]
    return [
        Record(1, source.header, 1, "header"),
        *(Record(1 + i, source.row(i), 1, "accepted") for i in (1, 2, 3)),
        *(
            Record(n, with_probe(source, i, f'"{a}{brk}{b}"'), 2, "probe", f"{a}{brk}{b}")
            for i, (n, brk) in enumerate(BREAKS.items(), start=4)
        ),
        *(
            Record(n, with_probe(source, i, f"{a}{byte}{b}"), 1, "probe", f"{a}{byte}{b}")
            for i, (n, byte) in enumerate(BYTES.items(), start=7)
        ),
        Record(13, " \t", 1, "blank"),
        Record(14, source.comment or "", 1, "comment" if source.comment else "blank"),
        Record(15, BOM + source.row(2), 1, "duplicate"),
        Record(16, f"{broken[0]}\r\n{broken[1]}\r{broken[2]}\n{broken[3]}", 4, "malformed"),
        Record(20, source.row(13) + ",extra", 1, "malformed"),
        Record(21, without_last_field(source, 14), 1, "malformed"),
        *(Record(22 + k, source.row(15 + k), 1, "accepted") for k in range(5)),
    ]


def cr_records(source: CsvSource) -> list[Record]:
    return [
        Record(1, source.header, 1, "header"),
        Record(2, source.row(101), 1, "accepted"),
        Record(3, "", 1, "blank"),
        Record(4, source.row(102), 1, "accepted"),
        Record(5, source.row(103), 1, "accepted"),
        Record(6, without_last_field(source, 104), 1, "malformed"),
    ]


def write_file(path: Path, records: list[Record], end: str) -> None:
    """The records joined by `end` (and ended by it), after checking the hand numbering."""
    expected_line = 1
    for record in records:
        assert record.line == expected_line, record
        assert len(re.split("\r\n|\r|\n", record.text)) == record.line_count, record
        expected_line += record.line_count
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(record.text + end for record in records).encode("utf-8"))


# --- what the warehouse holds -----------------------------------------------------------------


def accounting(result: DbtResult, source: CsvSource) -> dict[str, Accounting]:
    columns = ", ".join(f.name for f in fields(Accounting))
    rows = result.query(
        f"select source_file, {columns} from audit.row_accounting"
        f" where source_name = '{source.name}'"
    )
    return {r[0]: Accounting(*r[1:]) for r in rows}


def classified(result: DbtResult, source: CsvSource) -> dict[tuple[str, int], tuple[Any, ...]]:
    rows = result.query(
        f"select source_file, {source.number}, line_count, row_status, rejection_reason"
        f" from staging.{source.base}"
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def quarantined(result: DbtResult, source: CsvSource) -> dict[tuple[str, int], tuple[Any, ...]]:
    rows = result.query(
        # every quarantine table has the same provenance columns, whatever the source
        "select source_file, record_number, line_count, rejection_reason, raw_record,"
        f" {source.quarantine_probe} from quarantine.{source.quarantine}"
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def staged_probes(result: DbtResult, source: CsvSource) -> dict[int, Any]:
    rows = result.query(
        f"select {source.number}, {source.staging_probe} from staging.{source.staging}"
        f" where source_file = '{source.main_file}'"
        f" and {source.number} in ({', '.join(map(str, PROBE_LINES))})"
    )
    return dict(rows)


# --- the expected outcome, from the records as written ----------------------------------------


def expected_status(source: CsvSource, record: Record) -> tuple[str, str | None]:
    if record.outcome == "malformed":
        return ("quarantined", source.malformed)
    if record.outcome == "probe" and source.probe_reason is not None:
        return ("quarantined", source.probe_reason)
    if record.outcome == "duplicate":
        return ("duplicate", None)
    return ("accepted", None)


def data_records(source: CsvSource) -> dict[str, list[Record]]:
    return {
        file: [r for r in records if r.outcome not in ("header", "blank", "comment")]
        for file, records in (
            (source.main_file, main_records(source)),
            (source.cr_file, cr_records(source)),
        )
    }


@dataclass
class Mismatches:
    """Every comparison of a build, so that one run reports all that differ."""

    found: list[str]

    def check(self, what: str, got: Any, expected: Any) -> None:
        if got != expected:
            self.found.append(f"{what}:\n  expected {expected!r}\n  got      {got!r}")


def check_source(result: DbtResult, source: CsvSource, mismatches: Mismatches) -> None:
    records = data_records(source)
    label = source.name

    # every record once, with its first line and its line count (1, 3, 5, 6); the BOM copy a
    # duplicate of line 3, not a new row nor a conflict (4)
    mismatches.check(
        f"{label}: records (first line -> line count, status, reason)",
        classified(result, source),
        {
            (file, r.line): (r.line_count, *expected_status(source, r))
            for file, rs in records.items()
            for r in rs
        },
    )

    # the quarantine: line range, reason, exact raw text (inner line breaks included) and the
    # probe's raw value (null for a malformed record: its fields are not guessed at)
    mismatches.check(
        f"{label}: quarantine (first line -> line count, reason, raw text, probe value)",
        quarantined(result, source),
        {
            (file, r.line): (
                r.line_count,
                expected_status(source, r)[1],
                r.text,
                r.probe_value if r.outcome == "probe" else None,
            )
            for file, rs in records.items()
            for r in rs
            if expected_status(source, r)[0] == "quarantined"
        },
    )

    # accepted probes: the line break or byte is part of the value staging keeps (1, 2)
    if source.probe_reason is None:
        mismatches.check(
            f"{label}: staged probe values",
            staged_probes(result, source),
            {
                r.line: source.probe_kept_as or r.probe_value
                for r in records[source.main_file]
                if r.outcome == "probe"
            },
        )

    # the accounting, counted by hand (7)
    mismatches.check(
        f"{label}: row accounting",
        accounting(result, source),
        {source.main_file: source.main_accounting, source.cr_file: CR_ACCOUNTING},
    )


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


@pytest.mark.parametrize("selector_name", SELECTORS)
def test_every_csv_edge_case_of_a_source_in_one_build(
    tmp_path: Path, dbt_build: Build, selector_name: str
) -> None:
    sources = [s for s in SOURCES if s.selector == selector_name]
    raw_dir = tmp_path / "raw"
    for source in sources:
        write_file(raw_dir / source.main_file, main_records(source), "\n")
        write_file(raw_dir / source.cr_file, cr_records(source), "\r")
    result = dbt_build(raw_dir, *selector(selector_name))
    assert_built(result)
    mismatches = Mismatches([])
    for source in sources:
        check_source(result, source, mismatches)
    assert not mismatches.found, "\n".join(mismatches.found)


def test_a_file_that_is_not_utf8_stops_the_build_naming_it(
    tmp_path: Path, dbt_build: Build
) -> None:
    bank = next(s for s in SOURCES if s.name == "bank")
    raw_dir = tmp_path / "raw"
    write_file(raw_dir / bank.main_file, cr_records(bank)[:3], "\n")
    bad = raw_dir / bank.cr_file
    bad.write_bytes(
        (bank.header + "\n" + bank.row(1) + "\n").encode()
        + bank.row(2).replace("PUNE", "PU\xffNE").encode("latin-1")
        + b"\n"
    )
    result = dbt_build(raw_dir, *selector("bank"))
    assert result.returncode != 0
    # DuckDB's own error names the file by its full path; the project's on-run-end hook
    # (explain_unreadable_raw_files) names it as the raw folder's file, with what to do
    assert f"/{bank.cr_file}' as valid UTF-8" in result.output, result.output[-4000:]
    assert f"raw file {bank.cr_file} is not UTF-8" in result.output, result.output[-4000:]
    assert f"raw file {bank.main_file} is not UTF-8" not in result.output
