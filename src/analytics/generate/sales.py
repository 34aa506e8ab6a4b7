"""Synthetic multi-channel daily sales: ``sales/<channel>_<YYYY-MM-DD>.csv``, N days x 3 channels.

Small files (a daily drop per channel), so plain Python with one seeded ``random.Random`` per
file: the same (seed, day, channel, rows, defect rate) always gives the same bytes, and a
file does not depend on how many days are generated after it (a test can generate four days
and build the first three, then add the fourth).

Each file has ``# comment`` lines (one before the header, some between rows, one indented),
blank lines (between rows and at the end), and data rows. A data row is clean or carries
exactly one defect, so the manifest's counts are exact:

* accepted kinds (messy but valid): timestamps with ``Z``, an offset, a space instead of
  ``T``, a fraction, or padded with spaces;
* quarantined kinds, named after the project's quarantine reasons (``revenue_outlier`` is a
  line, in an order of its own, whose quantity is 40 to 60 times the usual, far beyond
  Q3 + 1.5 IQR of its product's day; at most one per file, and the three channels of a day
  use three different products);
* duplicate kinds: ``exact_duplicate`` (a byte-identical copy of an earlier clean line of the
  same channel, in the same file or the channel's previous file) and ``changed_duplicate``
  (the same order and product with another quantity): both count once, the first line wins.

Clean lines can still turn out to be revenue outliers by the IQR rule (a product with a narrow
spread of quantities on some day); the manifest counts only injected outliers, and the tests
take the exact numbers from the reference implementation.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

HEADER = "order_id,timestamp,product_id,quantity,unit_price"
CHANNELS: tuple[str, ...] = ("web", "mobile", "store")

#: Defects the project accepts (valid, only messy).
ACCEPTED_KINDS: tuple[str, ...] = ("timestamp_variant", "padded_values")
#: Defects the project quarantines; each kind is named after its quarantine reason.
QUARANTINED_KINDS: tuple[str, ...] = (
    "malformed_row",
    "missing_order_id",
    "missing_product_id",
    "missing_timestamp",
    "invalid_timestamp",
    "invalid_quantity",
    "non_positive_quantity",
    "invalid_unit_price",
    "negative_unit_price",
    "revenue_outlier",
)
#: Extra rows that repeat the key of an earlier clean row.
DUPLICATE_KINDS: tuple[str, ...] = ("exact_duplicate", "changed_duplicate")
DEFECT_KINDS: tuple[str, ...] = ACCEPTED_KINDS + QUARANTINED_KINDS + DUPLICATE_KINDS

#: Products and their list prices.
PRODUCTS: dict[str, Decimal] = {
    "P001": Decimal("4.99"),
    "P002": Decimal("12.50"),
    "P003": Decimal("7.25"),
    "P004": Decimal("19.99"),
    "P005": Decimal("2.40"),
    "P006": Decimal("35.00"),
    "P007": Decimal("9.90"),
    "P008": Decimal("0.99"),
}

FIRST_DAY = date(2025, 9, 12)

SAMPLE_DAYS = 3
SAMPLE_ROWS_PER_FILE = 40
SAMPLE_SEED = 20250912
SAMPLE_DEFECT_RATE = 0.3
# (day index, channel) of the sample file written with a byte-order mark and CRLF endings
SAMPLE_BOM_CRLF_FILE = (1, "mobile")

_BAD_TIMESTAMPS = (
    "2025-13-01T10:00:00",
    "12/09/2025 10:15",
    "yesterday",
    "{day}T25:00:00",
    "{day}",
    "{day}T10:15:00 Europe/Paris",
)
_BAD_QUANTITIES = ("two", "1.5", "1e2", "0x10")
_BAD_PRICES = ("abc", '"1,000"', "12.345", "1e3")


@dataclass
class SalesFileManifest:
    """What was written to one file: data rows, comment and blank lines, rows per defect kind."""

    name: str  # relative to the raw folder, e.g. "sales/web_2025-09-12.csv"
    day: str
    channel: str
    rows: int  # data lines (header, comments and blank lines excluded)
    comment_lines: int
    blank_lines: int
    bom: bool
    crlf: bool
    defects: dict[str, int]

    def expected_rule_reasons(self) -> dict[str, int]:
        """Quarantine reason -> rows, for every injected reason (outliers: at least this many)."""
        return {kind: self.defects[kind] for kind in QUARANTINED_KINDS if self.defects[kind]}

    @property
    def duplicates(self) -> int:
        return sum(self.defects[kind] for kind in DUPLICATE_KINDS)


@dataclass
class SalesManifest:
    days: int
    rows_per_file: int
    seed: int
    defect_rate: float
    files: list[SalesFileManifest]

    @property
    def defects(self) -> dict[str, int]:
        return {kind: sum(f.defects[kind] for f in self.files) for kind in DEFECT_KINDS}

    def to_dict(self) -> dict[str, object]:
        return {"source": "sales", **asdict(self), "totals": self.defects}

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


def file_name(day: date, channel: str) -> str:
    return f"sales/{channel}_{day.isoformat()}.csv"


def _timestamp(rng: random.Random, day: date, variant: bool) -> str:
    """A time on ``day`` (UTC), written in the usual form or, for a variant, another ISO form."""
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(2 * 3600, 22 * 3600)
    )
    if not variant:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    form = rng.randrange(4)
    if form == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 1:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if form == 2:
        hours = rng.choice((-5, 2, 5))
        local = moment + timedelta(hours=hours)
        sign = "+" if hours >= 0 else "-"
        return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(hours):02d}:00"
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{rng.randrange(1000):03d}Z"


def _line(order_id: str, ts: str, product: str, quantity: object, price: object) -> str:
    return f"{order_id},{ts},{product},{quantity},{price}"


def _kinds_cycle(rng: random.Random) -> list[str]:
    kinds = list(DEFECT_KINDS)
    rng.shuffle(kinds)
    return kinds


def _write_file(
    path: Path,
    rng: random.Random,
    day: date,
    channel: str,
    rows: int,
    defect_rate: float,
    previous_clean: list[str],
    bom: bool,
    crlf: bool,
) -> tuple[SalesFileManifest, list[str]]:
    """Write one file; returns its manifest and its clean lines (for later duplicates)."""
    defects = dict.fromkeys(DEFECT_KINDS, 0)
    out: list[str] = [f"# {channel} sales export for {day.isoformat()}", HEADER]
    comments, blanks = 1, 0
    clean_lines: list[str] = []
    clean_keys: list[tuple[str, str, str, int, Decimal]] = []
    order_no = 0
    outliers = 0
    cycle: list[str] = []
    prefix = channel[0].upper() + day.strftime("%Y%m%d")
    products = list(PRODUCTS)
    written = 0
    while written < rows:
        order_no += 1
        order_id = f"{prefix}-{order_no:04d}"
        for product in rng.sample(products, rng.randint(1, 3)):
            if written >= rows:
                break
            quantity = rng.randint(1, 4)
            price = PRODUCTS[product]
            kind = None
            if rng.random() < defect_rate:
                if not cycle:
                    cycle = _kinds_cycle(rng)
                kind = cycle.pop()
            if (
                (kind == "exact_duplicate" and not (clean_lines or previous_clean))
                or (kind == "changed_duplicate" and not clean_keys)
                or (kind == "revenue_outlier" and outliers)
            ):
                kind = None
            ts = _timestamp(rng, day, kind == "timestamp_variant")
            text = _line(order_id, ts, product, quantity, price)
            if kind == "padded_values":
                text = f" {order_id} ,{ts} , {product},{quantity} , {price} "
            elif kind == "malformed_row":
                text = rng.choice((text + ",extra", f'"{order_id}"x,{ts},{product},{quantity}'))
            elif kind == "missing_order_id":
                text = _line(rng.choice(("", "  ")), ts, product, quantity, price)
            elif kind == "missing_product_id":
                text = _line(order_id, ts, "", quantity, price)
            elif kind == "missing_timestamp":
                text = _line(order_id, rng.choice(("", " ")), product, quantity, price)
            elif kind == "invalid_timestamp":
                bad = rng.choice(_BAD_TIMESTAMPS).format(day=day.isoformat())
                text = _line(order_id, bad, product, quantity, price)
            elif kind == "invalid_quantity":
                text = _line(order_id, ts, product, rng.choice(_BAD_QUANTITIES), price)
            elif kind == "non_positive_quantity":
                text = _line(order_id, ts, product, rng.choice((0, -1, -3)), price)
            elif kind == "invalid_unit_price":
                text = _line(order_id, ts, product, quantity, rng.choice(_BAD_PRICES))
            elif kind == "negative_unit_price":
                text = _line(order_id, ts, product, quantity, -price)
            elif kind == "revenue_outlier":
                # its own order, and one product per channel and day, so that a product has at
                # most one injected outlier a day (two could widen the IQR enough to hide both)
                outliers += 1
                product = products[(CHANNELS.index(channel) * 3 + day.toordinal()) % 8]
                text = _line(f"{prefix}-X{outliers}", ts, product, rng.randint(40, 60) * 4, price)
            elif kind == "exact_duplicate":
                pool = clean_lines if clean_lines and rng.random() < 0.7 else previous_clean
                text = rng.choice(pool or clean_lines)
            elif kind == "changed_duplicate":
                o, t, p, q, pr = rng.choice(clean_keys)
                text = _line(o, t, p, q + 1, pr)
            if kind is not None:
                defects[kind] += 1
            if kind in (None, "timestamp_variant", "padded_values"):
                clean_lines.append(text)
                if kind is None:
                    clean_keys.append((order_id, ts, product, quantity, price))
            out.append(text)
            written += 1
            # comment and blank lines between rows
            draw = rng.random()
            if draw < 0.04:
                out.append(rng.choice(("# checkpoint", "   # indented comment, still a comment")))
                comments += 1
            elif draw < 0.08:
                out.append(rng.choice(("", "   ")))
                blanks += 1
    out.append("")
    blanks += 1
    eol = "\r\n" if crlf else "\n"
    body = eol.join(out) + eol
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))
    manifest = SalesFileManifest(
        name=file_name(day, channel),
        day=day.isoformat(),
        channel=channel,
        rows=rows,
        comment_lines=comments,
        blank_lines=blanks,
        bom=bom,
        crlf=crlf,
        defects=defects,
    )
    return manifest, clean_lines


def generate_sales(
    out_dir: Path,
    days: int,
    rows_per_file: int,
    seed: int,
    defect_rate: float = 0.05,
    start: date = FIRST_DAY,
    bom_crlf_file: tuple[int, str] | None = None,
    progress: bool = False,
) -> SalesManifest:
    """Write ``days`` x 3 files of ``rows_per_file`` data rows into ``out_dir/sales/``."""
    files = []
    previous: dict[str, list[str]] = {channel: [] for channel in CHANNELS}
    for index in range(days):
        day = start + timedelta(days=index)
        for channel in CHANNELS:
            rng = random.Random(f"sales-{seed}-{day.isoformat()}-{channel}")
            odd = bom_crlf_file == (index, channel)
            manifest, clean = _write_file(
                Path(out_dir) / file_name(day, channel),
                rng,
                day,
                channel,
                rows_per_file,
                defect_rate,
                previous[channel],
                bom=odd,
                crlf=odd,
            )
            previous[channel] = clean
            files.append(manifest)
            if progress:
                print(f"{manifest.name}: {manifest.rows:,} rows", flush=True)
    return SalesManifest(
        days=days,
        rows_per_file=rows_per_file,
        seed=seed,
        defect_rate=defect_rate,
        files=files,
    )


def generate_sales_sample(out_dir: Path, progress: bool = False) -> SalesManifest:
    """Write the committed sample: 3 days x 3 channels of 40 rows, one file with BOM and CRLF."""
    return generate_sales(
        out_dir,
        days=SAMPLE_DAYS,
        rows_per_file=SAMPLE_ROWS_PER_FILE,
        seed=SAMPLE_SEED,
        defect_rate=SAMPLE_DEFECT_RATE,
        bom_crlf_file=SAMPLE_BOM_CRLF_FILE,
        progress=progress,
    )
