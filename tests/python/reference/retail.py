"""An independent, pure-Python implementation of the retail rules (seed 004), written from the
README and the raw data contract rather than from the SQL: the oracle the end-to-end tests
compare the warehouse with, row for row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reference.csv_file import file_records
from reference.trades import parse_timestamp

COLUMNS = (
    "transaction_id",
    "transaction_ts",
    "customer_id",
    "product_id",
    "product_category",
    "region",
    "quantity",
    "unit_price",
)
AS_OF = dt.date(2024, 12, 31)
# (category, lowest price inclusive); the next category starts where this one ends
PRICE_CATEGORIES = (
    ("Premium", Decimal("500")),
    ("High", Decimal("100")),
    ("Medium", Decimal("20")),
    ("Low", Decimal("0")),
)
_FIELD = re.compile(r'("(?:[^"]|"")*"|[^,"]*),')
_QUANTITY = re.compile(r"[+-]?[0-9]{1,9}")
_PRICE = re.compile(r"[+-]?([0-9]+([.][0-9]{0,2})?|[.][0-9]{1,2})")
CENT = Decimal("0.01")


def split_csv_line(line: str) -> list[str] | None:
    """The line's fields, or None when its quoting is broken."""
    if '"' not in line:
        return line.split(",")
    pieces = _FIELD.findall(line + ",")
    if ",".join(pieces) != line:
        return None
    return [p[1:-1].replace('""', '"') if p.startswith('"') else p for p in pieces]


def _timestamp(text: str) -> dt.datetime | None:
    """The project's one ISO 8601 rule (trades' reference): an offset is converted to UTC."""
    return parse_timestamp(text)


def _price(text: str) -> Decimal | None:
    text = text.strip(" ")
    return Decimal(text).quantize(CENT) if _PRICE.fullmatch(text) else None


def _quantity(text: str) -> int | None:
    text = text.strip(" ")
    return int(text) if _QUANTITY.fullmatch(text) else None


def half_up(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def season_of(day: dt.date) -> str:
    return {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}.get(
        day.month, "summer" if day.month in (6, 7, 8) else "autumn"
    )


def price_category(price: Decimal) -> str:
    return next(name for name, low in PRICE_CATEGORIES if price >= low)


@dataclass
class Row:
    source_file: str
    line_number: int
    raw: tuple[str, ...] | None  # None: malformed
    status: str = ""
    reason: str | None = None

    @property
    def id_key(self) -> str:
        return self.raw[0].strip(" ") if self.raw else ""

    @property
    def staged(self) -> tuple[object, ...]:
        """The values the line stages to, id first: what makes a duplicate (same id, same
        values). A quantity, price or timestamp that does not parse is compared by its
        trimmed text."""
        assert self.raw is not None
        raw = [value.strip(" ") for value in self.raw]

        def or_text(value: object, text: str) -> tuple[str, object]:
            return ("value", value) if value is not None else ("text", text or None)

        return (
            raw[0] or None,
            raw[2] or None,
            raw[3] or None,
            raw[4].lower() or "unknown",
            raw[5].lower() or "unknown",
            or_text(_quantity(raw[6]), raw[6]),
            or_text(_price(raw[7]), raw[7]),
            or_text(_timestamp(raw[1]), raw[1]),
        )


@dataclass
class RetailExpected:
    accounting: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    reasons: dict[tuple[str, str], int] = field(default_factory=dict)
    accepted: dict[str, tuple] = field(default_factory=dict)  # id -> typed values
    daily: dict[dt.date, tuple] = field(default_factory=dict)
    regional: dict[tuple[dt.date, str], tuple] = field(default_factory=dict)
    category: dict[tuple[dt.date, str], tuple] = field(default_factory=dict)
    customers: dict[str, tuple] = field(default_factory=dict)


def _read(raw_dir: Path) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    rows_read: dict[str, int] = {}
    for path in sorted((raw_dir / "retail").glob("*.csv")):
        name = f"retail/{path.name}"
        header: list[str] | None = None
        count = 0
        for record in file_records(path.read_bytes()):
            if record.kind != "record":
                continue
            number, line = record.line_number, record.body
            if header is None:
                header = [c.strip(" ") for c in (split_csv_line(line) or [])]
                continue
            count += 1
            fields = split_csv_line(line)
            if fields is None or len(fields) != len(header):
                rows.append(Row(name, number, None))
            else:
                by_name = dict(zip(header, fields, strict=True))
                rows.append(Row(name, number, tuple(by_name[c] for c in COLUMNS)))
        rows_read[name] = count
    return rows, rows_read


def compute_retail(raw_dir: Path, as_of: dt.date = AS_OF) -> RetailExpected:
    rows, rows_read = _read(raw_dir)
    # duplicates and conflicts, in (file, line) order
    rows.sort(key=lambda r: (r.source_file, r.line_number))
    # a duplicate: the same id and the same staged values as an earlier line
    seen: set[tuple[object, ...]] = set()
    versions: dict[str, set[tuple[object, ...]]] = defaultdict(set)
    for row in rows:
        if row.raw is None:
            continue
        staged = row.staged
        if staged in seen:
            row.status = "duplicate"
        seen.add(staged)
        versions[row.id_key].add(staged)
    expected = RetailExpected()
    typed: list[tuple] = []
    for row in rows:
        if row.status == "duplicate":
            continue
        row.reason = _reason(row, versions, as_of)
        if row.reason is None:
            row.status = "accepted"
            assert row.raw is not None
            raw = row.raw
            at = _timestamp(raw[1])
            quantity, price = _quantity(raw[6]), _price(raw[7])
            assert at is not None and quantity is not None and price is not None
            values = (
                row.id_key,
                raw[2].strip(" "),
                raw[4].strip(" ").lower() or "unknown",
                raw[5].strip(" ").lower() or "unknown",
                quantity,
                price,
                (quantity * price).quantize(CENT),
                at.date(),
            )
            expected.accepted[row.id_key] = values[1:]
            typed.append(values)
        else:
            row.status = "quarantined"
            expected.reasons[(row.source_file, row.reason)] = (
                expected.reasons.get((row.source_file, row.reason), 0) + 1
            )
    for name, count in rows_read.items():
        mine = [r for r in rows if r.source_file == name]
        expected.accounting[name] = (
            count,
            sum(r.status == "accepted" for r in mine),
            sum(r.status == "duplicate" for r in mine),
            sum(r.status == "quarantined" for r in mine),
        )
    _marts(expected, typed, as_of)
    return expected


def _reason(row: Row, versions: dict[str, set[tuple[object, ...]]], as_of: dt.date) -> str | None:
    raw = row.raw
    if raw is None:
        return "malformed_row"
    if row.id_key == "":
        return "missing_transaction_id"
    if len(versions[row.id_key]) > 1:
        return "conflicting_duplicate"
    if raw[2].strip(" ") == "":
        return "missing_customer_id"
    at = _timestamp(raw[1])
    if at is None:
        return "invalid_transaction_ts"
    if at.date() > as_of:
        return "future_transaction_ts"
    quantity, price = _quantity(raw[6]), _price(raw[7])
    if quantity is None:
        return "invalid_quantity"
    if price is None:
        return "invalid_unit_price"
    if quantity * price <= 0:
        return "non_positive_amount"
    return None


def _marts(expected: RetailExpected, typed: list[tuple], as_of: dt.date) -> None:
    def summary(group: list[tuple]) -> tuple[int, int, int, Decimal, Decimal]:
        revenue = sum((t[6] for t in group), Decimal(0))
        return (
            len(group),
            len({t[1] for t in group}),
            sum(t[4] for t in group),
            revenue,
            half_up(revenue / len(group)),
        )

    by_day: dict[dt.date, list[tuple]] = defaultdict(list)
    by_region: dict[tuple[dt.date, str], list[tuple]] = defaultdict(list)
    by_category: dict[tuple[dt.date, str], list[tuple]] = defaultdict(list)
    by_customer: dict[str, list[tuple]] = defaultdict(list)
    for t in typed:
        by_day[t[7]].append(t)
        by_region[(month_of(t[7]), t[3])].append(t)
        by_category[(month_of(t[7]), t[2])].append(t)
        by_customer[t[1]].append(t)
    expected.daily = {day: summary(group) for day, group in by_day.items()}
    for (month, region), group in by_region.items():
        quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        counts = [sum(price_category(t[5]) == c for t in group) for c in ("Low", "Medium")]
        counts += [sum(price_category(t[5]) == c for t in group) for c in ("High", "Premium")]
        expected.regional[(month, region)] = (
            quarter,
            season_of(month),
            *summary(group),
            *counts,
        )
    revenue = {key: sum((t[6] for t in g), Decimal(0)) for key, g in by_category.items()}
    for (month, category), group in by_category.items():
        previous = revenue.get((previous_month(month), category))
        growth = None
        if previous is not None:
            growth = half_up((revenue[(month, category)] - previous) / previous, "0.0001")
        expected.category[(month, category)] = (
            len(group),
            sum(t[4] for t in group),
            revenue[(month, category)],
            previous,
            growth,
        )
    for customer, group in by_customer.items():
        first, last = min(t[7] for t in group), max(t[7] for t in group)
        recency, tenure, frequency = (as_of - last).days, (as_of - first).days, len(group)
        if recency <= 30 and frequency >= 10:
            segment = "champion"
        elif recency <= 90 and frequency >= 5:
            segment = "loyal"
        elif tenure <= 30:
            segment = "new"
        elif recency > 180:
            segment = "lost"
        elif recency > 90:
            segment = "at_risk"
        else:
            segment = "regular"
        monetary = sum((t[6] for t in group), Decimal(0))
        expected.customers[customer] = (first, last, recency, frequency, monetary, segment)
