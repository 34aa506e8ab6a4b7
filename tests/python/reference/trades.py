"""Reference implementation of the trades rules: what the warehouse must hold for raw_dir/trades.

Written from the rules, with the standard library only (``csv``, ``datetime``, ``decimal``,
``re``), for clarity rather than speed. The rules, in the order they are applied:

1. Files: every ``raw_dir/trades/*.csv`` in name order, UTF-8 with an optional byte-order
   mark, LF or CRLF. Blank lines are skipped and not counted. The first non-blank line is the
   header; columns are found by their trimmed name. Every other line is one row read.
2. A row whose quoting is broken or whose field count differs from the header's is
   ``malformed_row`` (never deduplicated).
3. Duplicates: well-formed rows whose seven values as staged are equal (:func:`staged_values`:
   the UTC moment, the user id as a number, client type and side lower-cased, symbol
   upper-cased, quantity and price as decimals; a value that does not parse is compared by
   its trimmed text);
   the first in (file, line) order counts, later copies are duplicates. No id, no conflicts.
4. Every other first copy gets the first reason that applies, in :data:`REASONS` order.
5. Accepted trades: week = the Monday on or before the UTC date of the timestamp; PnL =
   price x quantity, negative for a buy and positive for a sell.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reference.csv_file import file_records

COLUMNS: tuple[str, ...] = (
    "timestamp",
    "user_id",
    "client_type",
    "symbol",
    "side",
    "quantity",
    "price",
)
REASONS: tuple[str, ...] = (
    "malformed_row",
    "invalid_timestamp",
    "missing_user_id",
    "invalid_user_id",
    "invalid_client_type",
    "invalid_symbol",
    "invalid_side",
    "invalid_quantity",
    "invalid_price",
)
#: the mart's total_pnl is rounded to this (cents)
CENT = Decimal("0.01")
#: the raw column each reason is about (data quality: invalid values per column)
REASON_COLUMN = {
    "invalid_timestamp": "timestamp",
    "missing_user_id": "user_id",
    "invalid_user_id": "user_id",
    "invalid_client_type": "client_type",
    "invalid_symbol": "symbol",
    "invalid_side": "side",
    "invalid_quantity": "quantity",
    "invalid_price": "price",
}

_FIELD = r'(?:[^",]*|"(?:[^"]|"")*")'
_RECORD = re.compile(_FIELD + r"(?:," + _FIELD + r")*")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?"
)
_DECIMAL = re.compile(r"(\d{1,12})(?:\.(\d{0,6}))?|\.(\d{1,6})")
_SYMBOL = re.compile(r"[A-Z0-9.-]{1,12}")


def trim(text: str) -> str:
    return text.strip(" ")


def parse_record(line: str) -> list[str] | None:
    if _RECORD.fullmatch(line) is None:
        return None
    try:
        return next(csv.reader([line], strict=True))
    except csv.Error:
        return None


def parse_timestamp(text: str) -> datetime | None:
    """The UTC moment (naive datetime) of an accepted ISO 8601 text, or None."""
    match = _TIMESTAMP.fullmatch(trim(text))
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if fraction:
        moment += timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
    if zone and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 14 or minutes > 59:
            return None
        offset = timedelta(hours=hours, minutes=minutes)
        moment = moment - offset if zone[0] == "+" else moment + offset
    return moment


def parse_decimal(text: str) -> Decimal | None:
    """An unsigned plain decimal with at most 12 integer digits and 6 decimals, or None."""
    text = trim(text)
    if _DECIMAL.fullmatch(text) is None:
        return None
    return Decimal(text if not text.startswith(".") else "0" + text)


def week_start(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def staged_values(values: dict[str, str]) -> tuple[object, ...]:
    """The seven values a row stages to, each on its own: what makes a duplicate.

    A value that does not parse is compared by its trimmed text (None when blank).
    """
    user = trim(values["user_id"])
    client_type = trim(values["client_type"]).lower()
    symbol = trim(values["symbol"]).upper()
    side = trim(values["side"]).lower()
    staged = (
        parse_timestamp(values["timestamp"]),
        int(user) if user.isascii() and user.isdigit() and len(user) <= 18 else None,
        client_type if client_type in ("bronze", "silver", "gold") else None,
        symbol if _SYMBOL.fullmatch(symbol) else None,
        side if side in ("buy", "sell") else None,
        parse_decimal(values["quantity"]),
        parse_decimal(values["price"]),
    )
    return tuple(
        ("value", value) if value is not None else ("text", trim(values[name]) or None)
        for name, value in zip(COLUMNS, staged, strict=True)
    )


@dataclass(frozen=True)
class Trade:
    trade_week: date
    client_type: str
    user_id: int
    symbol: str
    quantity: Decimal
    pnl: Decimal


def check(values: dict[str, str]) -> tuple[str | None, Trade | None]:
    """(reason, None) for a quarantined first copy, (None, trade) for an accepted one."""
    moment = parse_timestamp(values["timestamp"])
    if moment is None:
        return "invalid_timestamp", None
    user = trim(values["user_id"])
    if user == "":
        return "missing_user_id", None
    if not (user.isascii() and user.isdigit() and len(user) <= 18):
        return "invalid_user_id", None
    client_type = trim(values["client_type"]).lower()
    if client_type not in ("bronze", "silver", "gold"):
        return "invalid_client_type", None
    symbol = trim(values["symbol"]).upper()
    if _SYMBOL.fullmatch(symbol) is None:
        return "invalid_symbol", None
    side = trim(values["side"]).lower()
    if side not in ("buy", "sell"):
        return "invalid_side", None
    quantity = parse_decimal(values["quantity"])
    if quantity is None or quantity <= 0:
        return "invalid_quantity", None
    price = parse_decimal(values["price"])
    if price is None or price <= 0:
        return "invalid_price", None
    pnl = quantity * price * (-1 if side == "buy" else 1)
    return None, Trade(week_start(moment), client_type, int(user), symbol, quantity, pnl)


@dataclass(frozen=True)
class RowOutcome:
    source_file: str
    line_number: int
    line: str
    values: dict[str, str] | None
    outcome: str  # accepted, duplicate or quarantined
    reason: str | None
    trade: Trade | None


@dataclass(frozen=True)
class TradesExpected:
    #: (trade_week, client_type, user_id, symbol) -> (total_volume, total_pnl, trade_count)
    weekly: dict[tuple[date, str, int, str], tuple[Decimal, Decimal, int]]
    accounting: dict[str, tuple[int, int, int, int]]
    reasons: dict[tuple[str, str], int]
    #: the top 3 bronze clients: [(rank, user_id, total_volume, total_pnl, trade_count)]
    top_by_volume: list[tuple[int, int, Decimal, Decimal, int]]
    top_by_pnl: list[tuple[int, int, Decimal, Decimal, int]]
    #: (metric_name, column_name) -> value
    data_quality: dict[tuple[str, str], int]
    rows: list[RowOutcome]


def read_trades_file(path: Path, source_file: str) -> list[tuple[int, str, dict[str, str] | None]]:
    header: dict[str, int] | None = None
    width = 0
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
            missing = [name for name in COLUMNS if name not in names]
            if missing:
                raise ValueError(f"{source_file}: missing required columns {missing}")
            header = {name: names.index(name) for name in COLUMNS}
            width = len(names)
            continue
        if fields is None or len(fields) != width:
            rows.append((line_number, line, None))
        else:
            rows.append((line_number, line, {n: fields[i] for n, i in header.items()}))
    return rows


def _top(
    clients: dict[int, list], key: int, other: int
) -> list[tuple[int, int, Decimal, Decimal, int]]:
    ordered = sorted(clients.items(), key=lambda item: (-item[1][key], -item[1][other], item[0]))
    return [(rank, user, *totals) for rank, (user, totals) in enumerate(ordered[:3], start=1)]


def compute_trades(raw_dir: Path) -> TradesExpected:
    raw_dir = Path(raw_dir)
    outcomes: list[RowOutcome] = []
    source_files = []
    seen: set[tuple[object, ...]] = set()
    for path in sorted((raw_dir / "trades").glob("*.csv")):
        source_file = path.relative_to(raw_dir).as_posix()
        source_files.append(source_file)
        for line_number, line, values in read_trades_file(path, source_file):
            if values is None:
                outcome = RowOutcome(
                    source_file, line_number, line, None, "quarantined", "malformed_row", None
                )
            else:
                key = staged_values(values)
                if key in seen:
                    outcome = RowOutcome(
                        source_file, line_number, line, values, "duplicate", None, None
                    )
                else:
                    seen.add(key)
                    reason, trade = check(values)
                    status = "accepted" if reason is None else "quarantined"
                    outcome = RowOutcome(
                        source_file, line_number, line, values, status, reason, trade
                    )
            outcomes.append(outcome)

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

    weekly: dict[tuple[date, str, int, str], tuple[Decimal, Decimal, int]] = {}
    for o in outcomes:
        if o.trade is None:
            continue
        t = o.trade
        key = (t.trade_week, t.client_type, t.user_id, t.symbol)
        volume, pnl, count = weekly.get(key, (Decimal(0), Decimal(0), 0))
        weekly[key] = (volume + t.quantity, pnl + t.pnl, count + 1)
    # the mart's total_pnl is the exact sum rounded to the cent, ties away from zero
    weekly = {k: (v, p.quantize(CENT, ROUND_HALF_UP), c) for k, (v, p, c) in weekly.items()}

    bronze: dict[int, list] = {}
    for (_, client_type, user, _), (volume, pnl, count) in weekly.items():
        if client_type == "bronze":
            totals = bronze.setdefault(user, [Decimal(0), Decimal(0), 0])
            totals[0] += volume
            totals[1] += pnl
            totals[2] += count

    quarantined = [o for o in outcomes if o.outcome == "quarantined"]
    quality: dict[tuple[str, str], int] = {
        ("raw_rows", "*"): len(outcomes),
        ("cleaned_rows", "*"): sum(o.outcome == "accepted" for o in outcomes),
        ("duplicate_rows", "*"): sum(o.outcome == "duplicate" for o in outcomes),
        ("filtered_rows", "*"): len(quarantined),
        ("malformed_rows", "*"): sum(o.reason == "malformed_row" for o in quarantined),
        ("aggregated_rows", "*"): len(weekly),
    }
    for column in COLUMNS:
        quality["missing_values", column] = sum(
            1 for o in quarantined if o.values is not None and trim(o.values[column]) == ""
        )
        quality["invalid_values", column] = sum(
            1 for o in quarantined if REASON_COLUMN.get(o.reason or "") == column
        )

    return TradesExpected(
        weekly=weekly,
        accounting=accounting,
        reasons=dict(reasons),
        top_by_volume=_top(bronze, 0, 1),
        top_by_pnl=_top(bronze, 1, 0),
        data_quality=quality,
        rows=outcomes,
    )
