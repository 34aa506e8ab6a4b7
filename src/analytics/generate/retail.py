"""Synthetic retail transactions (seed 004), one CSV file per day, fast enough for 100M rows.

Every value is drawn from ``hash(row, seed, 'field')`` inside one DuckDB ``COPY`` per file, so
the same (rows, seed, files, start, defect_rate) always gives byte-identical files, and 10
million rows take well under a minute on two cores.

Rows
----
Row ``j`` (0-based, over all files) is a transaction ``R<j+1>`` on its file's day. A share of
the rows, ``defect_rate``, carries one defect, chosen by hash:

* single-row defects, named after the quarantine reason they cause (see :data:`ROW_DEFECTS`),
  or messy-but-valid values (``region_messy``: padded, upper-case region; ``category_blank``);
* ``exact_duplicate`` / ``conflicting_duplicate``: row ``j`` is written as a copy of an earlier
  row ``s`` (up to one and a half files back, so often in an earlier file): byte-identical, or
  with another quantity. A copy of a row that was itself a copy is simply a new transaction.

The manifest counts what was injected; the exact outcome (which copies meet their original,
which defects overlap) is computed by the independent reference in the tests, not promised here.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

HEADER = (
    "transaction_id,transaction_ts,customer_id,product_id,product_category,region,quantity,"
    "unit_price"
)

CATEGORIES: tuple[str, ...] = (
    "electronics",
    "clothing",
    "home",
    "sports",
    "books",
    "toys",
    "grocery",
    "beauty",
)
REGIONS: tuple[str, ...] = ("north", "south", "east", "west", "central")

#: Defects that make the project quarantine the row, named after the reason.
ROW_DEFECTS: tuple[str, ...] = (
    "malformed_row",  # one field missing
    "missing_transaction_id",
    "missing_customer_id",
    "invalid_transaction_ts",  # 2024-13-45 25:00:00
    "future_transaction_ts",  # two years after the row's day (after any as-of in range)
    "invalid_quantity",  # 2.5
    "invalid_unit_price",  # 12.999 (a third decimal)
    "non_positive_amount",  # quantity 0 or a negative price
)
#: Messy but valid values.
MESSY_KINDS: tuple[str, ...] = ("region_messy", "category_blank")
#: Rows written as copies of an earlier row.
COPY_KINDS: tuple[str, ...] = ("exact_duplicate", "conflicting_duplicate")
DEFECT_KINDS: tuple[str, ...] = ROW_DEFECTS + MESSY_KINDS + COPY_KINDS

DEFAULT_START = dt.date(2024, 1, 1)
# The committed sample: 5 daily files ending on the default as-of date (2024-12-31).
SAMPLE_ROWS = 400
SAMPLE_SEED = 20241227
SAMPLE_FILES = 5
SAMPLE_START = dt.date(2024, 12, 27)
SAMPLE_DEFECT_RATE = 0.4


@dataclass
class RetailFileManifest:
    name: str  # relative to the raw folder, e.g. "retail/2024-01-01.csv"
    day: str
    rows: int
    seconds: float


@dataclass
class RetailManifest:
    rows: int
    seed: int
    defect_rate: float
    files: list[RetailFileManifest]
    defects: dict[str, int]

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {"source": "retail", **asdict(self)}
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def _lines_sql(
    seed: int, lo: int, hi: int, rows: int, rows_per_file: float, start: dt.date, rate: float
) -> str:
    """SQL yielding (j, kind, line) for rows lo..hi-1."""
    s = int(seed)
    n_customers = max(1, rows // 10)
    per_million = round(rate * 1_000_000)
    n_kinds = len(DEFECT_KINDS)
    window = max(2, int(rows_per_file * 1.5))

    def h(expr: str, tag: str, modulus: int | str) -> str:
        return f"(hash({expr}, {s}::bigint, '{tag}') % ({modulus})::ubigint)::bigint"

    # values of the (uncopied) content of row `src`, with that row's own single-row defect
    return f"""
with spine as (
    select j from range({lo}, {hi}) as t (j)
),
picked as (
    select
        j,
        case
            when {h("j", "defect", 1_000_000)} < {per_million}
                then {_sql_list(DEFECT_KINDS)}[{h("j", "kind", n_kinds)} + 1]
        end as kind
    from spine
),
sourced as (
    select
        j,
        kind,
        case
            when kind in ('exact_duplicate', 'conflicting_duplicate') and j > 0
                then j - 1 - {h("j", "back", f"least(j, {window})")}
            else j
        end as src
    from picked
),
content as (
    select
        j,
        kind,
        src,
        -- the single-row defect of the content's own row (a copy carries its source's)
        case
            when src = j then kind
            when {h("src", "defect", 1_000_000)} < {per_million}
                then {_sql_list(DEFECT_KINDS)}[{h("src", "kind", n_kinds)} + 1]
        end as own_kind,
        cast(floor(src / {rows_per_file}) as bigint) as day_index,
        {h("src", "second", 86400)} as second_of_day,
        {h("src", "customer", n_customers)} + 1 as customer_number,
        {h("src", "product", 5000)} + 1 as product_number,
        {h("src", "region", len(REGIONS))} + 1 as region_number,
        {h("src", "quantity", 5)} + 1 as quantity,
        -- prices from 0.50 to about 1,000, most of them small
        round(0.5 + pow({h("src", "price", 1_000_000)} / 1e6, 3) * 1000, 2) as unit_price
    from sourced
),
fields as (
    select
        j,
        kind,
        case when own_kind = 'missing_transaction_id' then '' else 'R' || (src + 1) end as f_id,
        case
            when own_kind = 'invalid_transaction_ts' then '2024-13-45 25:00:00'
            else strftime(
                date '{start.isoformat()}' + to_days(
                    day_index + case when own_kind = 'future_transaction_ts' then 731 else 0 end
                ) + to_seconds(second_of_day),
                '%Y-%m-%d %H:%M:%S'
            )
        end as f_ts,
        case when own_kind = 'missing_customer_id' then ' ' else 'C' || customer_number end
            as f_customer,
        'P' || product_number as f_product,
        case
            when own_kind = 'category_blank' then ''
            else {_sql_list(CATEGORIES)}[product_number % {len(CATEGORIES)} + 1]
        end as f_category,
        case
            when own_kind = 'region_messy'
                then '  ' || upper({_sql_list(REGIONS)}[region_number]) || ' '
            else {_sql_list(REGIONS)}[region_number]
        end as f_region,
        case
            when own_kind = 'invalid_quantity' then '2.5'
            when own_kind = 'non_positive_amount' and src % 2 = 0 then '0'
            when kind = 'conflicting_duplicate' and j > 0 then cast(quantity + 1 as varchar)
            else cast(quantity as varchar)
        end as f_quantity,
        case
            when own_kind = 'invalid_unit_price' then '12.999'
            when own_kind = 'non_positive_amount' and src % 2 = 1
                then '-' || printf('%.2f', unit_price)
            else printf('%.2f', unit_price)
        end as f_price
    from content
),
lines as (
    select
        j,
        kind,
        f_id || ',' || f_ts || ',' || f_customer || ',' || f_product || ',' || f_category
        || ',' || f_region || ',' || f_quantity
        || case when kind = 'malformed_row' then '' else ',' || f_price end as line
    from fields
)
"""


def generate_retail(
    out_dir: Path,
    *,
    rows: int,
    seed: int,
    files: int = 100,
    start: dt.date = DEFAULT_START,
    defect_rate: float = 0.02,
    threads: int | None = None,
    progress: bool = False,
) -> RetailManifest:
    """Write ``rows`` rows into ``files`` daily files DIR/retail/<day>.csv from ``start``."""
    folder = out_dir / "retail"
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    if threads:
        con.execute(f"set threads = {int(threads)}")
    con.execute("set preserve_insertion_order = true")
    per_file = rows / files
    manifests: list[RetailFileManifest] = []
    defects = dict.fromkeys(DEFECT_KINDS, 0)
    for f in range(files):
        lo, hi = f * rows // files, (f + 1) * rows // files
        day = start + dt.timedelta(days=f)
        path = folder / f"{day.isoformat()}.csv"
        began = time.perf_counter()
        body = _lines_sql(seed, lo, hi, rows, per_file, start, defect_rate)
        target = path.as_posix().replace("'", "''")
        con.execute(
            f"""copy (
                {body}
                select line from (
                    select -1 as j, '{HEADER}' as line
                    union all
                    select j, line from lines
                )
                order by j
            ) to '{target}' (header false, quote '', escape '', delimiter '\t')"""
        )
        for kind, n in con.execute(
            f"{body} select kind, count(*) from lines where kind is not null group by kind"
        ).fetchall():
            defects[kind] += n
        seconds = time.perf_counter() - began
        manifests.append(
            RetailFileManifest(f"retail/{path.name}", day.isoformat(), hi - lo, round(seconds, 3))
        )
        if progress and (files <= 10 or f % 10 == 0 or f == files - 1):
            print(f"retail/{path.name}\t{hi - lo}\t{seconds:.2f}s", flush=True)
    con.close()
    return RetailManifest(rows, seed, defect_rate, manifests, defects)


def generate_retail_sample(out_dir: Path, progress: bool = False) -> RetailManifest:
    """The committed sample: 400 rows in 5 daily files up to 2024-12-31, every defect kind."""
    return generate_retail(
        out_dir,
        rows=SAMPLE_ROWS,
        seed=SAMPLE_SEED,
        files=SAMPLE_FILES,
        start=SAMPLE_START,
        defect_rate=SAMPLE_DEFECT_RATE,
        progress=progress,
    )
