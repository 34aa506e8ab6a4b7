"""Reference implementation of the sales rules: what the warehouse must hold for raw_dir/sales.

Written from the rules with the standard library only, for clarity rather than speed:

1. Files: every ``raw_dir/sales/*.csv`` whose name is ``<web|mobile|store>_<YYYY-MM-DD>.csv``
   with a real date (any other name is an error), decoded as UTF-8 with an optional byte-order
   mark, LF or CRLF. Blank lines (empty, or only spaces and tabs) and comment lines (``#`` after
   optional spaces and tabs) are skipped and never counted. The first other line is the header;
   columns are found by their trimmed name. Every later line is one row read.
2. A row whose quoting is broken or whose field count differs from the header's is
   ``malformed_row`` and takes no further part.
3. Duplicates: among well-formed rows with a non-blank trimmed order_id and product_id, the
   first of each (channel, order_id, product_id) in (file date, file name, line) order is the
   original; every later one is a duplicate, whatever its content.
4. Every original gets the first rule reason that applies (:data:`RULE_REASONS` order).
5. Outliers: for each (product_id, sales date) with at least ``min_lines`` originals that
   passed every rule, Q1 and Q3 of their revenue by linear interpolation (position
   (n - 1) * q, as SQL's quantile_cont); a revenue below Q1 - k*IQR or above Q3 + k*IQR is a
   ``revenue_outlier``. The sales date is the UTC date of the timestamp.

"Trimmed" means leading and trailing spaces (U+0020) removed, as SQL's ``trim()`` does.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from reference.bank import is_valid_amount, parse_record, trim
from reference.csv_file import file_records
from reference.trades import parse_timestamp as parse_trades_timestamp

REQUIRED_COLUMNS = ("order_id", "timestamp", "product_id", "quantity", "unit_price")
RULE_REASONS = (
    "malformed_row",
    "missing_order_id",
    "missing_product_id",
    "missing_timestamp",
    "invalid_timestamp",
    "invalid_quantity",
    "non_positive_quantity",
    "invalid_unit_price",
    "negative_unit_price",
)
REASONS = (*RULE_REASONS, "revenue_outlier")

_NAME = re.compile(r"(web|mobile|store)_([0-9]{4}-[0-9]{2}-[0-9]{2})\.csv")
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class SalesRow:
    source_file: str
    line_number: int
    line: str
    channel: str
    file_date: date
    values: dict[str, str] | None
    outcome: str = ""
    reason: str | None = None


@dataclass(frozen=True)
class SalesExpected:
    #: (sales_date, channel) -> (order_count, units_sold, revenue)
    daily_sales: dict[tuple[date, str], tuple[int, int, Decimal]]
    #: (sales_date, rank) -> (product_id, units_sold, revenue)
    top_products: dict[tuple[date, int], tuple[str, int, Decimal]]
    accounting: dict[str, tuple[int, int, int, int]]
    reasons: dict[tuple[str, str], int]
    rows: list[SalesRow]


def parse_file_name(name: str) -> tuple[str, date]:
    match = _NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"sales file {name} is unusable: bad name")
    return match.group(1), date.fromisoformat(match.group(2))


def parse_timestamp(text: str) -> datetime | None:
    """ISO 8601 text to a naive UTC datetime, or None: the same rule as for trades."""
    return parse_trades_timestamp(text)


def parse_quantity(text: str) -> int | None:
    text = trim(text)
    digits = text.lstrip("+-")
    if text == "" or any(c not in "0123456789" for c in digits):
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if -INT32_MAX - 1 <= value <= INT32_MAX else None


def quantile_cont(values: list[Decimal], q: Decimal) -> Decimal:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])


def read_sales_file(path: Path, source_file: str) -> list[SalesRow]:
    channel, file_date = parse_file_name(path.name)
    header: dict[str, int] | None = None
    width = 0
    rows = []
    for record in file_records(path.read_bytes(), comment_prefix="#"):
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
            width = len(names)
            continue
        values = None
        if fields is not None and len(fields) == width:
            values = {name: fields[index] for name, index in header.items()}
        rows.append(SalesRow(source_file, line_number, line, channel, file_date, values))
    return rows


def rule_reason(values: dict[str, str]) -> str | None:
    if trim(values["order_id"]) == "":
        return "missing_order_id"
    if trim(values["product_id"]) == "":
        return "missing_product_id"
    if trim(values["timestamp"]) == "":
        return "missing_timestamp"
    if parse_timestamp(trim(values["timestamp"])) is None:
        return "invalid_timestamp"
    quantity = parse_quantity(values["quantity"])
    if quantity is None:
        return "invalid_quantity"
    if quantity <= 0:
        return "non_positive_quantity"
    if not is_valid_amount(values["unit_price"]):
        return "invalid_unit_price"
    if Decimal(trim(values["unit_price"])) < 0:
        return "negative_unit_price"
    return None


def revenue_of(values: dict[str, str]) -> Decimal:
    quantity = parse_quantity(values["quantity"])
    assert quantity is not None
    return quantity * Decimal(trim(values["unit_price"])).quantize(Decimal("0.01"))


def sales_date_of(values: dict[str, str]) -> date:
    moment = parse_timestamp(trim(values["timestamp"]))
    assert moment is not None
    return moment.date()


def compute_sales(raw_dir: Path, k: Decimal = Decimal("1.5"), min_lines: int = 4) -> SalesExpected:
    raw_dir = Path(raw_dir)
    rows: list[SalesRow] = []
    source_files = []
    for path in sorted((raw_dir / "sales").glob("*.csv")):
        source_file = path.relative_to(raw_dir).as_posix()
        source_files.append(source_file)
        rows.extend(read_sales_file(path, source_file))

    ordered = sorted(rows, key=lambda r: (r.file_date, r.source_file, r.line_number))
    seen: set[tuple[str, str, str]] = set()
    outcome: dict[tuple[str, int], tuple[str, str | None]] = {}
    originals: list[SalesRow] = []
    for row in ordered:
        where = (row.source_file, row.line_number)
        if row.values is None:
            outcome[where] = ("quarantined", "malformed_row")
            continue
        order_id, product_id = trim(row.values["order_id"]), trim(row.values["product_id"])
        key = (row.channel, order_id, product_id)
        if order_id and product_id and key in seen:
            outcome[where] = ("duplicate", None)
            continue
        seen.add(key)
        reason = rule_reason(row.values)
        outcome[where] = ("quarantined", reason) if reason else ("accepted", None)
        if reason is None:
            originals.append(row)

    groups: dict[tuple[str, date], list[Decimal]] = defaultdict(list)
    for row in originals:
        assert row.values is not None
        groups[(trim(row.values["product_id"]), sales_date_of(row.values))].append(
            revenue_of(row.values)
        )
    bounds = {}
    for group, revenues in groups.items():
        if len(revenues) >= min_lines:
            q1 = quantile_cont(revenues, Decimal("0.25"))
            q3 = quantile_cont(revenues, Decimal("0.75"))
            bounds[group] = (q1 - k * (q3 - q1), q3 + k * (q3 - q1))
    for row in originals:
        assert row.values is not None
        group = (trim(row.values["product_id"]), sales_date_of(row.values))
        if group in bounds:
            low, high = bounds[group]
            revenue = revenue_of(row.values)
            if revenue < low or revenue > high:
                outcome[(row.source_file, row.line_number)] = ("quarantined", "revenue_outlier")

    final = [
        SalesRow(
            r.source_file,
            r.line_number,
            r.line,
            r.channel,
            r.file_date,
            r.values,
            *outcome[(r.source_file, r.line_number)],
        )
        for r in rows
    ]
    accounting = {}
    for source_file in source_files:
        mine = [r for r in final if r.source_file == source_file]
        accounting[source_file] = (
            len(mine),
            sum(r.outcome == "accepted" for r in mine),
            sum(r.outcome == "duplicate" for r in mine),
            sum(r.outcome == "quarantined" for r in mine),
        )
    reasons = Counter((r.source_file, r.reason) for r in final if r.outcome == "quarantined")

    orders: dict[tuple[date, str], set[str]] = defaultdict(set)
    units: Counter[tuple[date, str]] = Counter()
    revenue: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    product_units: Counter[tuple[date, str]] = Counter()
    product_revenue: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for r in final:
        if r.outcome != "accepted" or r.values is None:
            continue
        day = sales_date_of(r.values)
        quantity = parse_quantity(r.values["quantity"])
        assert quantity is not None
        orders[(day, r.channel)].add(trim(r.values["order_id"]))
        units[(day, r.channel)] += quantity
        revenue[(day, r.channel)] += revenue_of(r.values)
        product = trim(r.values["product_id"])
        product_units[(day, product)] += quantity
        product_revenue[(day, product)] += revenue_of(r.values)
    daily_sales = {
        key: (len(orders[key]), units[key], revenue[key].quantize(Decimal("0.01")))
        for key in orders
    }
    by_day: dict[date, list[tuple[int, Decimal, str]]] = defaultdict(list)
    for (day, product), n in product_units.items():
        by_day[day].append((n, product_revenue[(day, product)], product))
    top_products = {}
    for day, products in by_day.items():
        ranked = sorted(products, key=lambda p: (-p[0], -p[1], p[2]))[:5]
        for rank, (n, money, product) in enumerate(ranked, start=1):
            top_products[(day, rank)] = (product, n, money.quantize(Decimal("0.01")))

    return SalesExpected(
        daily_sales=daily_sales,
        top_products=top_products,
        accounting=accounting,
        reasons=dict(reasons),
        rows=final,
    )
