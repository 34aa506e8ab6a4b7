"""Synthetic trades in the shape of the trades contract (seed 001), with realistic defects.

``users`` clients trade over ``weeks`` consecutive weeks starting on Monday 2024-01-01; one
file per week, ``trades/<Monday>.csv``. Every value comes from ``random.Random`` seeded with
the arguments, so the same arguments give the same bytes.

Valid rows are messy on purpose: timestamps in every ISO 8601 form the contract allows (space
or ``T``, with or without fractional seconds, naive, ``Z`` or an offset such as ``+05:30``),
some of them a few minutes either side of a Sunday/Monday midnight; client type, symbol and
side in any case and padded with spaces. A share ``defect_rate`` of the rows carries exactly
one defect, one of :data:`DEFECT_KINDS`: each quarantining kind breaks only its own column,
so the project's reason for it is the kind's name, and ``exact_duplicate`` is a byte-identical
copy of an earlier clean row (in the same file or an earlier one). Apart from those copies,
no two well-formed rows are equal, so the manifest's counts are exact.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HEADER = "timestamp,user_id,client_type,symbol,side,quantity,price"
FIRST_WEEK = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday

#: Defects the project quarantines; each kind is named after its quarantine reason.
QUARANTINED_KINDS: tuple[str, ...] = (
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
DEFECT_KINDS: tuple[str, ...] = (*QUARANTINED_KINDS, "exact_duplicate")

#: Tickers and a typical price for each.
SYMBOLS: dict[str, int] = {
    "AAPL": 190,
    "MSFT": 410,
    "GOOG": 140,
    "AMZN": 175,
    "TSLA": 200,
    "NVDA": 880,
    "BRK.B": 405,
    "JPM": 195,
    "BTC-USD": 60000,
    "SPY": 510,
}
CLIENT_TYPES: tuple[str, ...] = ("bronze", "silver", "gold")
OFFSETS: tuple[str, ...] = ("+02:00", "-05:00", "+05:30", "+09:00", "-03:30", "+00:00")

SAMPLE_USERS = 12
SAMPLE_WEEKS = 3
SAMPLE_SEED = 20240101
SAMPLE_TRADES_PER_WEEK = 4
SAMPLE_DEFECT_RATE = 0.3
SAMPLE_BOM_CRLF_FILES = frozenset({1})


@dataclass
class TradesFileManifest:
    """What was written to one file: its rows and, per defect kind, how many rows have it."""

    name: str  # relative to the raw folder, e.g. "trades/2024-01-01.csv"
    rows: int
    bom: bool
    crlf: bool
    defects: dict[str, int]
    seconds: float = field(default=0.0, compare=False)

    def expected_reasons(self) -> dict[str, int]:
        """Quarantine reason -> rows the project must report for this file (zeros left out)."""
        return {kind: self.defects[kind] for kind in QUARANTINED_KINDS if self.defects[kind]}

    def expected_accounting(self) -> tuple[int, int, int, int]:
        """(rows_read, rows_accepted, rows_duplicate, rows_quarantined) for this file."""
        duplicates = self.defects["exact_duplicate"]
        quarantined = sum(self.expected_reasons().values())
        return (self.rows, self.rows - duplicates - quarantined, duplicates, quarantined)


@dataclass
class TradesManifest:
    users: int
    weeks: int
    seed: int
    defect_rate: float
    files: list[TradesFileManifest]

    @property
    def defects(self) -> dict[str, int]:
        return {kind: sum(f.defects[kind] for f in self.files) for kind in DEFECT_KINDS}

    def expected_reason_counts(self) -> dict[tuple[str, str], int]:
        return {
            (f.name, reason): n for f in self.files for reason, n in f.expected_reasons().items()
        }

    def expected_accounting(self) -> dict[str, tuple[int, int, int, int]]:
        return {f.name: f.expected_accounting() for f in self.files}

    def to_dict(self) -> dict[str, object]:
        return {"source": "trades", **asdict(self), "totals": self.defects}

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


def file_name(week: int) -> str:
    """The name of the file of week number ``week`` (0-based), relative to the raw folder."""
    return f"trades/{(FIRST_WEEK + timedelta(weeks=week)).date().isoformat()}.csv"


def _csv_line(fields: list[str]) -> str:
    return ",".join(
        '"' + f.replace('"', '""') + '"' if ("," in f or '"' in f) else f for f in fields
    )


class _Writer:
    """Draws the values of one row; every draw goes through the one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def timestamp(self, week_start: datetime) -> str:
        rng = self.rng
        if rng.random() < 0.15:  # close to the Sunday/Monday midnight that starts the week
            moment = week_start + timedelta(seconds=rng.randint(-5400, 5400))
        else:
            moment = week_start + timedelta(seconds=rng.randrange(7 * 86400))
        fraction = ""
        digits = rng.choice((0, 0, 0, 3, 6))
        if digits:
            fraction = "." + str(rng.randrange(10**digits)).zfill(digits)
        form = rng.randrange(4)
        separator = rng.choice((" ", "T"))
        if form == 3:
            offset = rng.choice(OFFSETS)
            sign = 1 if offset[0] == "+" else -1
            delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
            local = moment + delta
        else:
            local = moment
        text = local.strftime(f"%Y-%m-%d{separator}%H:%M:%S") + fraction
        if form == 2:
            text += "Z"
        elif form == 3:
            text += offset
        return text

    def messy(self, value: str) -> str:
        rng = self.rng
        choice = rng.randrange(10)
        if choice == 0:
            return value.upper()
        if choice == 1:
            return value.title()
        if choice == 2:
            return f" {value} "
        return value

    def quantity(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return str(rng.randint(1, 500))
        n = rng.randint(1, 5_000_000)
        return f"{n // 10_000}.{n % 10_000:04d}".rstrip("0").rstrip(".")

    def price(self, symbol: str) -> str:
        base = SYMBOLS[symbol]
        cents = self.rng.randint(int(base * 80), int(base * 120))
        return f"{cents // 100}.{cents % 100:02d}"


def _defective(kind: str, fields: list[str], rng: random.Random) -> list[str] | str:
    """The row with one defect of the given kind (a list of fields, or a raw malformed line)."""
    fields = list(fields)
    if kind == "malformed_row":
        variant = rng.randrange(4)
        if variant == 0:
            return _csv_line(fields[:-1])
        if variant == 1:
            return _csv_line([*fields, "extra"])
        if variant == 2:  # a quoted field with text after its closing quote
            fields[3] = '"' + fields[3][:1] + '"x' + fields[3][1:]
            return ",".join(fields)
        fields[3] = fields[3][:1] + '"' + fields[3][1:]
        return ",".join(fields)
    day = fields[0][:10]
    replacements = {
        "invalid_timestamp": [
            day,
            f"{day} 24:00:00",
            f"{day[8:10]}/{day[5:7]}/{day[:4]} 10:00:00",
            "2024-02-30 10:00:00",
            f"{day} 10:00",
            "yesterday",
            "",
            f"{day} 10:00:00 +02:00",
        ],
        "missing_user_id": ["", "  "],
        "invalid_user_id": [f"u{fields[1]}", f"-{fields[1]}", f"{fields[1]}.5", "n/a"],
        "invalid_client_type": ["platinum", "", "bronz", "vip"],
        "invalid_symbol": ["", "AA PL", "$TSLA", "VERYLONGTICKER"],
        "invalid_side": ["hold", "", "b", "short"],
        "invalid_quantity": ["0", "-5", "", "abc", "1e3", "1.1234567", "0.000"],
        "invalid_price": ["0.00", "-10.5", "", "n/a", "1,000.00", "12.3456789"],
    }[kind]
    column = {
        "invalid_timestamp": 0,
        "missing_user_id": 1,
        "invalid_user_id": 1,
        "invalid_client_type": 2,
        "invalid_symbol": 3,
        "invalid_side": 4,
        "invalid_quantity": 5,
        "invalid_price": 6,
    }[kind]
    fields[column] = rng.choice(replacements)
    return fields


def generate_trades(
    out_dir: Path,
    users: int,
    weeks: int,
    seed: int,
    trades_per_week: int = 3,
    defect_rate: float = 0.05,
    crlf: bool = False,
    bom: bool = False,
    bom_crlf_files: set[int] | frozenset[int] | None = None,
    progress: bool = False,
) -> TradesManifest:
    """Write ``weeks`` trades files into ``out_dir/trades/`` for ``users`` clients.

    Each client trades about ``trades_per_week`` times a week (0 to twice that, drawn).
    ``defect_rate`` (0 to 1) is the share of rows with a defect, spread over
    :data:`DEFECT_KINDS`. ``crlf``/``bom`` apply to every file; ``bom_crlf_files`` (0-based
    week numbers) applies both to those files only. Returns the manifest of what was written.
    """
    if users < 0 or weeks < 1 or trades_per_week < 0:
        raise ValueError("users and trades_per_week must be >= 0 and weeks >= 1")
    if not 0 <= defect_rate <= 1:
        raise ValueError("defect_rate must be between 0 and 1")
    bom_crlf_files = set(bom_crlf_files or ())
    rng = random.Random(f"trades-{users}-{weeks}-{seed}-{trades_per_week}-{defect_rate}")
    writer = _Writer(rng)
    client_types = [rng.choices(CLIENT_TYPES, weights=(5, 3, 2))[0] for _ in range(users)]
    favourites = [rng.sample(list(SYMBOLS), 3) for _ in range(users)]
    trades_dir = Path(out_dir) / "trades"
    trades_dir.mkdir(parents=True, exist_ok=True)

    seen: set[tuple[str, ...]] = set()  # every well-formed row written, to keep rows distinct
    clean_lines: list[str] = []  # clean rows written so far, the originals of duplicates
    clean_set: set[str] = set()
    manifests = []
    for week in range(weeks):
        start = time.perf_counter()
        week_start = FIRST_WEEK + timedelta(weeks=week)
        lines: list[str] = []
        defects = dict.fromkeys(DEFECT_KINDS, 0)
        for user in range(users):
            for _ in range(rng.randint(0, 2 * trades_per_week)):
                kind = rng.choice(DEFECT_KINDS) if rng.random() < defect_rate else None
                if kind == "exact_duplicate" and not clean_lines and not lines:
                    kind = None
                if kind == "exact_duplicate":
                    if lines and rng.random() < 0.6:
                        candidates = [line for line in lines[-50:] if line in clean_set]
                        original = rng.choice(candidates) if candidates else None
                    else:
                        original = None
                    if original is None and clean_lines:
                        original = rng.choice(clean_lines)
                    if original is None:
                        kind = None
                    else:
                        lines.append(original)
                        defects[kind] += 1
                        continue
                while True:
                    symbol = rng.choice(favourites[user] if rng.random() < 0.8 else list(SYMBOLS))
                    fields = [
                        writer.timestamp(week_start),
                        str(1000 + user),
                        writer.messy(client_types[user]),
                        writer.messy(symbol.lower() if rng.random() < 0.2 else symbol),
                        writer.messy(rng.choice(("buy", "sell"))),
                        writer.quantity(),
                        writer.price(symbol),
                    ]
                    row = _defective(kind, fields, rng) if kind else fields
                    if isinstance(row, str):  # malformed: a raw line, never deduplicated
                        line = row
                        break
                    if tuple(row) not in seen:
                        seen.add(tuple(row))
                        line = _csv_line(row)
                        break
                lines.append(line)
                if kind:
                    defects[kind] += 1
                else:
                    clean_lines.append(line)
                    clean_set.add(line)
        file_crlf = crlf or week in bom_crlf_files
        file_bom = bom or week in bom_crlf_files
        eol = "\r\n" if file_crlf else "\n"
        content = ("\ufeff" if file_bom else "") + eol.join([HEADER, *lines]) + eol
        path = Path(out_dir) / file_name(week)
        path.write_bytes(content.encode("utf-8"))
        manifests.append(
            TradesFileManifest(
                name=file_name(week),
                rows=len(lines),
                bom=file_bom,
                crlf=file_crlf,
                defects=defects,
                seconds=round(time.perf_counter() - start, 3),
            )
        )
        if progress:
            m = manifests[-1]
            print(f"{m.name}: {m.rows:,} rows in {m.seconds:.2f} s", flush=True)
    return TradesManifest(
        users=users, weeks=weeks, seed=seed, defect_rate=defect_rate, files=manifests
    )


def generate_trades_sample(out_dir: Path, progress: bool = False) -> TradesManifest:
    """Write the committed sample: 12 users over 3 weeks, the second file with BOM and CRLF."""
    return generate_trades(
        out_dir,
        users=SAMPLE_USERS,
        weeks=SAMPLE_WEEKS,
        seed=SAMPLE_SEED,
        trades_per_week=SAMPLE_TRADES_PER_WEEK,
        defect_rate=SAMPLE_DEFECT_RATE,
        bom_crlf_files=SAMPLE_BOM_CRLF_FILES,
        progress=progress,
    )
