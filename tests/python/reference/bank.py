"""Reference implementation of the bank rules: what the warehouse must contain for raw_dir/bank.

Written from the rules, with the standard library only (``csv``, ``decimal``, ``re``), and for
clarity rather than speed. The rules, in the order they are applied:

1. Files: every ``raw_dir/bank/*.csv``, in name order, decoded as UTF-8 with an optional
   byte-order mark, LF or CRLF line endings. Blank lines (empty, or only spaces and tabs) are
   skipped and never counted. The first non-blank line is the header; columns are found by
   their header name, trimmed, case-sensitive (extra columns are ignored; a missing one is an
   error). Every other physical line is one row read, parsed on its own as one CSV record.
2. A row whose quoting is broken, or whose field count differs from the header's, is
   quarantined ``malformed_row`` and takes no further part (never deduplicated, never a
   conflict).
3. Duplicates: well-formed rows with the same trimmed TransactionID (blank counts as one value)
   and the same values as staged in the other eight columns (:func:`staged_values`: ids
   trimmed, location trimmed and upper-cased, gender upper-cased or none, amounts and balances
   as decimals, dates and times as values, the birth date as staged; a value that does not
   parse by its trimmed text). The first in (file, line)
   order counts; every later copy is a duplicate of the file it is in, whatever happens to the
   first copy.
4. Among the first copies, all rows sharing a non-blank trimmed TransactionID with another one
   (so with other staged values) are quarantined ``conflicting_duplicate``.
5. Every other first copy gets the first reason that applies, in :data:`REASONS` order, or is
   accepted.

"Trimmed" means leading and trailing spaces (U+0020) removed, as SQL's ``trim()`` does.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

from reference.csv_file import file_records

TRANSACTION_ID = "TransactionID"
CUSTOMER_ID = "CustomerID"
LOCATION = "CustLocation"
TRANSACTION_DATE = "TransactionDate"
TRANSACTION_TIME = "TransactionTime"
AMOUNT = "TransactionAmount (INR)"

REQUIRED_COLUMNS: tuple[str, ...] = (
    TRANSACTION_ID,
    CUSTOMER_ID,
    "CustomerDOB",
    "CustGender",
    LOCATION,
    "CustAccountBalance",
    TRANSACTION_DATE,
    TRANSACTION_TIME,
    AMOUNT,
)

#: Quarantine reasons, in precedence order: a row gets the first one that applies.
REASONS: tuple[str, ...] = (
    "malformed_row",
    "missing_transaction_id",
    "conflicting_duplicate",
    "missing_customer_id",
    "missing_location",
    "invalid_amount",
    "non_positive_amount",
    "invalid_transaction_date",
    "invalid_transaction_time",
)

# One CSV record on one line: fields separated by commas, each either unquoted (no quote, no
# comma) or quoted from its first to its last character, with "" standing for a quote inside.
_FIELD = r'(?:[^",]*|"(?:[^"]|"")*")'
_RECORD = re.compile(_FIELD + r"(?:," + _FIELD + r")*")
_AMOUNT = re.compile(r"[+-]?([0-9]+(\.[0-9]{0,2})?|\.[0-9]{1,2})")
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2}|[0-9]{4})")
_TIME = re.compile(r"[0-9]{1,6}")

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RowOutcome:
    """What happens to one row read."""

    source_file: str  # "bank/2016_08.csv"
    line_number: int  # physical line in the file, 1-based, header and blank lines included
    line: str  # the raw line, without its line ending
    values: dict[str, str] | None  # the nine required columns, unquoted; None if malformed
    outcome: str  # "accepted", "duplicate" or "quarantined"
    reason: str | None  # the quarantine reason, for quarantined rows


@dataclass(frozen=True)
class BankExpected:
    """What the warehouse must contain for the bank files of one raw folder."""

    #: (location, customer_id) -> (sum_amount, transaction_count, avg_amount)
    mart: dict[tuple[str, str], tuple[Decimal, int, Decimal]]
    #: source_file -> (rows_read, rows_accepted, rows_duplicate, rows_quarantined)
    accounting: dict[str, tuple[int, int, int, int]]
    #: (source_file, reason) -> quarantined rows (only reasons that occur)
    reasons: dict[tuple[str, str], int]
    #: every row read, in (source_file, line_number) order
    rows: list[RowOutcome]


def trim(text: str) -> str:
    """Remove leading and trailing spaces (only U+0020, like SQL's trim())."""
    return text.strip(" ")


def parse_record(line: str) -> list[str] | None:
    """The fields of one CSV line, unquoted; None when its quoting is broken."""
    if _RECORD.fullmatch(line) is None:
        return None
    try:
        return next(csv.reader([line], strict=True))
    except csv.Error:
        return None


def is_valid_amount(text: str) -> bool:
    return _AMOUNT.fullmatch(trim(text)) is not None


def parse_date(text: str) -> datetime.date | None:
    """d/m/yy or d/m/yyyy as a date (the strptime pivot for two-digit years), or None."""
    match = _DATE.fullmatch(trim(text))
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000 if year <= 68 else 1900
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_time(text: str) -> tuple[int, int, int] | None:
    """HHMMSS (1 to 6 digits) as (hours, minutes, seconds), or None."""
    if not is_valid_time(text):
        return None
    padded = trim(text).zfill(6)
    return int(padded[0:2]), int(padded[2:4]), int(padded[4:6])


def staged_values(values: dict[str, str]) -> tuple[object, ...]:
    """The values a row stages to, in the order of the staged columns: what makes a duplicate.

    Gender, amount, balance, date, time and birth date: a value that stages as None is
    compared by its trimmed text instead (None when blank).
    """

    def decimal_or_none(text: str) -> Decimal | None:
        return Decimal(trim(text)).quantize(CENT) if is_valid_amount(text) else None

    transaction_date = parse_date(values[TRANSACTION_DATE])
    dob_text = values["CustomerDOB"]
    dob = parse_date(dob_text)
    is_placeholder = dob == datetime.date(1800, 1, 1)
    if is_placeholder:
        dob = None
    elif (
        dob is not None
        and transaction_date is not None
        and dob > transaction_date
        and re.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}", trim(dob_text))
    ):
        try:
            dob = dob.replace(year=dob.year - 100)
        except ValueError:  # 29 February of a year that is not a leap year
            dob = dob.replace(year=dob.year - 100, day=28)

    def or_text(value: object, name: str) -> tuple[str, object]:
        if value is not None:
            return ("value", value)
        return ("text", trim(values[name]) or None)

    gender = trim(values["CustGender"]).upper()
    return (
        trim(values[TRANSACTION_ID]) or None,
        trim(values[CUSTOMER_ID]) or None,
        trim(values[LOCATION]).upper() or None,
        or_text(gender if gender in ("M", "F", "T") else None, "CustGender"),
        or_text(decimal_or_none(values[AMOUNT]), AMOUNT),
        or_text(decimal_or_none(values["CustAccountBalance"]), "CustAccountBalance"),
        or_text(transaction_date, TRANSACTION_DATE),
        or_text(parse_time(values[TRANSACTION_TIME]), TRANSACTION_TIME),
        or_text(dob, "CustomerDOB"),
        is_placeholder,
    )


def is_valid_date(text: str) -> bool:
    """d/m/yy or d/m/yyyy (1-2 digit day and month) naming a real day (see parse_date)."""
    return parse_date(text) is not None


def is_valid_time(text: str) -> bool:
    """HHMMSS as 1 to 6 digits, leading zeros optional, naming a real time of day."""
    text = trim(text)
    if _TIME.fullmatch(text) is None:
        return False
    padded = text.zfill(6)
    hours, minutes, seconds = int(padded[0:2]), int(padded[2:4]), int(padded[4:6])
    return hours <= 23 and minutes <= 59 and seconds <= 59


def quarantine_reason(values: dict[str, str], conflicting_ids: set[str]) -> str | None:
    """The reason a well-formed first copy is quarantined, or None if it is accepted."""
    transaction_id = trim(values[TRANSACTION_ID])
    if transaction_id == "":
        return "missing_transaction_id"
    if transaction_id in conflicting_ids:
        return "conflicting_duplicate"
    if trim(values[CUSTOMER_ID]) == "":
        return "missing_customer_id"
    if trim(values[LOCATION]) == "":
        return "missing_location"
    if not is_valid_amount(values[AMOUNT]):
        return "invalid_amount"
    if Decimal(trim(values[AMOUNT])) <= 0:
        return "non_positive_amount"
    if not is_valid_date(values[TRANSACTION_DATE]):
        return "invalid_transaction_date"
    if not is_valid_time(values[TRANSACTION_TIME]):
        return "invalid_transaction_time"
    return None


@dataclass
class _Row:
    source_file: str
    line_number: int
    line: str
    values: dict[str, str] | None


def read_bank_file(path: Path, source_file: str) -> list[_Row]:
    """Every row read from one file (blank lines and the header left out)."""
    header: dict[str, int] | None = None
    header_width = 0
    rows = []
    for record in file_records(path.read_bytes()):
        if record.kind != "record":
            continue
        line_number, line = record.line_number, record.text
        fields = parse_record(record.body)
        if header is None:
            if fields is None:
                raise ValueError(f"{source_file}: the header line is not valid CSV")
            names = [trim(name) for name in fields]
            missing = [name for name in REQUIRED_COLUMNS if name not in names]
            if missing:
                raise ValueError(f"{source_file}: missing required columns {missing}")
            header = {name: names.index(name) for name in REQUIRED_COLUMNS}
            header_width = len(names)
            continue
        if fields is None or len(fields) != header_width:
            rows.append(_Row(source_file, line_number, line, None))
        else:
            values = {name: fields[index] for name, index in header.items()}
            rows.append(_Row(source_file, line_number, line, values))
    if header is None:
        raise ValueError(f"{source_file}: no header line")
    return rows


def compute_bank(raw_dir: Path) -> BankExpected:
    """Apply the bank rules to every raw_dir/bank/*.csv and return what the warehouse holds."""
    raw_dir = Path(raw_dir)
    rows: list[_Row] = []
    source_files = []
    for path in sorted((raw_dir / "bank").glob("*.csv")):
        source_file = path.relative_to(raw_dir).as_posix()
        source_files.append(source_file)
        rows.extend(read_bank_file(path, source_file))

    # Duplicates: the first copy of each set of equal staged values (id included) counts.
    first_copies: list[_Row] = []
    is_duplicate: dict[int, bool] = {}
    seen: set[tuple[str, ...]] = set()
    for index, row in enumerate(rows):
        if row.values is None:
            is_duplicate[index] = False
            continue
        key = staged_values(row.values)
        is_duplicate[index] = key in seen
        if key not in seen:
            seen.add(key)
            first_copies.append(row)

    # Conflicts: a non-blank TransactionID shared by two or more first copies.
    id_counts = Counter(trim(row.values[TRANSACTION_ID]) for row in first_copies if row.values)
    conflicting_ids = {tid for tid, n in id_counts.items() if tid != "" and n >= 2}

    outcomes = []
    for index, row in enumerate(rows):
        if row.values is None:
            outcome, reason = "quarantined", "malformed_row"
        elif is_duplicate[index]:
            outcome, reason = "duplicate", None
        else:
            reason = quarantine_reason(row.values, conflicting_ids)
            outcome = "accepted" if reason is None else "quarantined"
        outcomes.append(
            RowOutcome(row.source_file, row.line_number, row.line, row.values, outcome, reason)
        )

    accounting = {}
    for source_file in source_files:
        mine = [o for o in outcomes if o.source_file == source_file]
        accounting[source_file] = (
            len(mine),
            sum(o.outcome == "accepted" for o in mine),
            sum(o.outcome == "duplicate" for o in mine),
            sum(o.outcome == "quarantined" for o in mine),
        )

    reasons = Counter((o.source_file, o.reason) for o in outcomes if o.outcome == "quarantined")

    sums: dict[tuple[str, str], Decimal] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for o in outcomes:
        if o.outcome != "accepted" or o.values is None:
            continue
        key = (trim(o.values[LOCATION]).upper(), trim(o.values[CUSTOMER_ID]))
        sums[key] = sums.get(key, Decimal(0)) + Decimal(trim(o.values[AMOUNT]))
        counts[key] += 1
    mart = {}
    with localcontext() as context:
        context.prec = 50
        for key, total in sums.items():
            average = (total / counts[key]).quantize(CENT, rounding=ROUND_HALF_UP)
            mart[key] = (total.quantize(CENT), counts[key], average)

    return BankExpected(mart=mart, accounting=accounting, reasons=dict(reasons), rows=outcomes)
