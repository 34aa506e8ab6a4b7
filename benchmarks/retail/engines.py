"""The retail part of the warehouse written by hand, once per engine, for the benchmark.

    python benchmarks/retail/engines.py ENGINE RAW_RETAIL_DIR OUT_DIR [AS_OF]

ENGINE is duckdb-sql, pandas, polars or dask. Each does the work of `dbt build --selector
retail` in its own engine, from the same files and with the same rules (models/staging/retail,
macros/raw_files/raw_csv_lines.sql, macros/classify/classified_records.sql, the README's retail
section), and writes what the warehouse holds as Parquet into OUT_DIR:

* accepted/*.parquet: the staged rows (stg_retail__transactions), money as decimal(18, 2);
* quarantine.parquet: every quarantined record with its reason, file, record number (its first
  line), line count, raw text and raw values (quarantine_retail__transactions);
* accounting.parquet: per file, records (read, accepted, duplicate, quarantined) and lines
  (physical, header, blank, comment, accepted, duplicate, quarantined), as audit.row_accounting;
* the four marts: daily_revenue, regional_monthly_metrics, category_monthly_trends and
  customer_segments, price categories from the seed (seeds/retail_price_categories.csv).

The rules, in short: a file's text is cut into physical lines (LF, CRLF or a lone CR) and the
lines into records (a `"` at the start of a field opens a quoted field, which may hold commas,
doubled quotes and line breaks; a quote never closed runs the record to the end of the file);
blank records are skipped; the first record is the header. A record whose quoting is broken or
whose field count differs from the header's is malformed (quarantined, never deduplicated).
The others are typed (ids and text trimmed, category and region lower case or `unknown`,
quantity an integer, unit price a decimal with at most 2 decimals, the timestamp ISO 8601 with
an offset converted to UTC); the first record of each (transaction_id, typed values) in (file,
line) order is the original, later ones are duplicates; an id with more than one version is a
conflict; then the rules in order (missing id, conflict, missing customer, invalid or future
timestamp, invalid quantity or price, non-positive amount).

Money is exact in every peer: DuckDB decimal(18, 2), Polars Decimal, and integer cents in
pandas and Dask (written as decimal(18, 2)). The pandas, Polars and Dask packages come from the
`bench` dependency group. The script prints a JSON summary (accepted, quarantined rows).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEED = PROJECT_DIR / "seeds" / "retail_price_categories.csv"
COLUMNS = [
    "transaction_id",
    "transaction_ts",
    "customer_id",
    "product_id",
    "product_category",
    "region",
    "quantity",
    "unit_price",
]
BOM = "\ufeff"
# one CSV line (macros/raw_files/raw_csv_lines.sql): started outside quotes, does it end inside
# a quoted field (OPENS)? started inside one, does it end inside one (STAYS)?
_QUOTED = '"(?:[^"]|"")*"(?:[^,"][^,]*)?'
OPENS = "(?:(?:" + _QUOTED + '|[^,"][^,]*)?,)*"(?:[^"]|"")*'
STAYS = '(?:[^"]|"")*(?:"(?:[^,"][^,]*)?,' + OPENS + ")?"
# the fields of a line with quotes (macros/parsing/csv_split.sql): broken unless they rebuild it
FIELD = '("(?:[^"]|"")*"|[^,"]*),'
QUANTITY = "[+-]?[0-9]{1,9}"
PRICE = "[+-]?([0-9]+([.][0-9]{0,2})?|[.][0-9]{1,2})"
TIMESTAMP = (
    "([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    "(?:[.]([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
# the staged row and the marts, column by column (the dbt models' names)
ACCEPTED = [
    "transaction_id",
    "customer_id",
    "product_id",
    "product_category",
    "region",
    "quantity",
    "unit_price",
    "amount",
    "transaction_at",
    "transaction_date",
    "source_file",
    "line_number",
]
QUARANTINE = [
    "source_file",
    "record_number",
    "line_count",
    "rejection_reason",
    "raw_record",
    *(f"{c}_raw" for c in COLUMNS),
]
ACCOUNTING = [
    "source_file",
    "rows_read",
    "rows_accepted",
    "rows_duplicate",
    "rows_quarantined",
    "physical_lines",
    "header_lines",
    "blank_lines",
    "comment_lines",
    "lines_accepted",
    "lines_duplicate",
    "lines_quarantined",
]
RULES = [
    "missing_transaction_id",
    "conflicting_duplicate",
    "missing_customer_id",
    "invalid_transaction_ts",
    "future_transaction_ts",
    "invalid_quantity",
    "invalid_unit_price",
    "non_positive_amount",
]
SEGMENTS = "champion, loyal, new, lost, at_risk, regular"


_STARTED = time.perf_counter()


def trace(label: str) -> None:
    """With BENCH_TRACE set: seconds since start, to stderr (where an engine spends its time)."""
    if os.environ.get("BENCH_TRACE"):
        print(f"{time.perf_counter() - _STARTED:8.2f} s  {label}", file=sys.stderr, flush=True)


def price_categories() -> list[tuple[str, int, int | None]]:
    """The seed's thresholds: (category, lowest price in cents, highest price excluded)."""

    def cents(text: str) -> int | None:
        if text.strip() == "":
            return None
        whole, _, frac = text.strip().partition(".")
        return int(whole or 0) * 100 + int((frac + "00")[:2])

    with SEED.open(encoding="utf-8") as f:
        return [
            (r["price_category"], cents(r["min_unit_price"]) or 0, cents(r["max_unit_price"]))
            for r in csv.DictReader(f)
        ]


def split_csv(line: str) -> list[str] | None:
    """The fields of a line (a byte-order mark at its start stripped), None if quoting is
    broken: the rules of macros/parsing/csv_split.sql."""
    line = line.removeprefix(BOM)
    if '"' not in line:
        return line.split(",")
    pieces = re.findall(FIELD, line + ",")
    if ",".join(pieces) != line:
        return None
    return [p[1:-1].replace('""', '"') if p.startswith('"') else p for p in pieces]


def retail_files(raw: Path) -> list[Path]:
    return sorted(raw.glob("*.csv"))


# --- hand-written DuckDB SQL --------------------------------------------------------------------


def run_duckdb(raw: Path, out: Path, as_of: dt.date) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    con.execute("set preserve_insertion_order = false")
    files = [p.as_posix() for p in retail_files(raw)]
    seed = SEED.as_posix()
    q = "'" + '"' + "'"  # the SQL text '"'
    dq = "'" + '""' + "'"  # the SQL text '""'

    def lit(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    con.execute(f"create temp table seed as select * from read_csv('{seed}', header = true)")
    con.execute(f"""
        create temp table files as
        select filename, 'retail/' || parse_filename(filename) as source_file, content
        from read_text({files!r})
    """)
    # physical lines: split at LF; a CR before it belongs to a CRLF; lone CRs split further
    # (their lines shift the numbers of the lines after them: only in files that have them)
    con.execute(f"""
        create temp table lines as
        with pieces as (
            select source_file, has_lone_cr, unnest(p) as piece,
                generate_subscripts(p, 1) as i, len(p) as n
            from (
                select source_file, string_split(content, chr(10)) as p,
                    regexp_matches(content, '\r[^\n]|\r$') as has_lone_cr
                from files
            )
        ),
        bodies as (
            select source_file, has_lone_cr, i,
                case when suffix(piece, chr(13)) then piece[:-2] else piece end as body,
                case
                    when i < n and suffix(piece, chr(13)) then chr(13) || chr(10)
                    when i < n then chr(10)
                    when suffix(piece, chr(13)) then chr(13)
                    else ''
                end as brk
            from pieces
            where not (i = n and piece = '')
        ),
        subs as (
            select source_file, i, brk, unnest(s) as text, generate_subscripts(s, 1) as j,
                len(s) as m
            from (select *, string_split(body, chr(13)) as s from bodies where has_lone_cr)
        )
        select source_file, i as line_number, body as text, brk, contains(body, {q}) as has_quote
        from bodies where not has_lone_cr
        union all
        select source_file, row_number() over (partition by source_file order by i, j),
            text, case when j < m then chr(13) else brk end, contains(text, {q})
        from subs
    """)
    # records: the quote state after each line with a quote (a line without keeps it); a line
    # that starts outside quotes and ends inside opens a record that runs to the next line that
    # ends outside (or to the end of the file)
    con.execute(f"""
        create temp table spans as
        with marked as (
            select source_file, line_number,
                regexp_full_match(
                    case when starts_with(text, chr(65279)) then text[2:] else text end,
                    {lit(OPENS)}) as fc,
                regexp_full_match(text, {lit(STAYS)}) as fo
            from lines where has_quote
        ),
        counted as (
            select *,
                sum((fc and not fo)::int) over w as flips,
                count(*) filter (where fc = fo) over w as setters
            from marked
            window w as (partition by source_file order by line_number)
        ),
        stated as (
            select *,
                first_value(fc) over s as setter_state,
                first_value(flips) over s as flips_at_setter,
                setters > 0 as has_setter
            from counted
            window s as (partition by source_file, setters order by line_number)
        ),
        states as (
            select source_file, line_number,
                (has_setter and setter_state) <> ((flips - case when has_setter
                    then flips_at_setter else 0 end) % 2 = 1) as open_after
            from stated
        ),
        transitions as (
            select *,
                coalesce(lag(open_after) over w, false) as open_before,
                first_value(case when not open_after then line_number end ignore nulls)
                    over (w rows between 1 following and unbounded following) as next_closed
            from states
            window w as (partition by source_file order by line_number)
        )
        select source_file, line_number as first_line,
            coalesce(next_closed, 9223372036854775807) as last_line
        from transitions where open_after and not open_before
    """)
    con.execute("""
        create temp table records as
        with spanned as (
            select lines.*, spans.first_line
            from lines left join spans
                on lines.source_file = spans.source_file
                and lines.line_number between spans.first_line and spans.last_line
        ),
        single_records as (
            select source_file, line_number, 1::bigint as line_count, text as raw_line
            from spanned where first_line is null
        ),
        multi_records as (
            select source_file, first_line as line_number, count(*) as line_count,
                string_agg(text || brk, '' order by line_number) as joined,
                arg_max(brk, line_number) as last_brk
            from spanned where first_line is not null
            group by source_file, first_line
        )
        select *, trim(case when starts_with(raw_line, chr(65279))
            then raw_line[2:] else raw_line end, ' ' || chr(9)) = '' as is_blank
        from single_records
        union all
        select source_file, line_number, line_count,
            joined[:length(joined) - length(last_brk)], false
        from multi_records
    """)

    # a field split by hand: `l` stands for the line in the template above
    def split_of(expr: str) -> str:
        line = f"(case when starts_with({expr}, chr(65279)) then {expr}[2:] else {expr} end)"
        return (
            f"case when not contains({line}, {q}) then string_split({line}, ',') "
            f"when array_to_string(regexp_extract_all({line} || ',', {lit(FIELD)}, 1), ',')"
            f" = {line} then list_transform(regexp_extract_all({line} || ',', {lit(FIELD)}, 1),"
            f" lambda x: case when starts_with(x, {q}) then replace(x[2:-2], {dq}, {q})"
            f" else x end) end"
        )

    con.execute(f"""
        create temp table headers as
        select source_file, line_number as header_line_number, line_count as header_lines,
            list_transform({split_of("raw_line")}, lambda c: trim(c)) as header
        from records where not is_blank
        qualify row_number() over (partition by source_file order by line_number) = 1
    """)
    positions = ", ".join(f"list_position(header, '{c}') as p_{c}" for c in COLUMNS)
    raw_values = ",\n".join(
        f"case when well_formed then parsed[p_{c}] end as {c}_raw" for c in COLUMNS
    )
    ts = "trim(transaction_ts_raw)"
    zone = (
        f"case when right({ts}, 1) = 'Z' then 'Z' when left(right({ts}, 6), 1) in ('+', '-')"
        f" and left(right({ts}, 3), 1) = ':' then right({ts}, 6) else '' end"
    )
    con.execute(f"""
        create temp table parsed as
        with data_records as (
            select records.*, {split_of("records.raw_line")} as parsed, len(header) as n_fields,
                {positions}
            from records join headers using (source_file)
            where not is_blank and records.line_number > header_line_number
        ),
        shaped as (
            select source_file, line_number, line_count, raw_line,
                coalesce(len(parsed) = n_fields, false) as well_formed,
                {raw_values}
            from (select *, coalesce(len(parsed) = n_fields, false) as well_formed
                  from data_records)
        ),
        typed as (
            select *,
                nullif(trim(transaction_id_raw), '') as transaction_id,
                nullif(trim(customer_id_raw), '') as customer_id,
                nullif(trim(product_id_raw), '') as product_id,
                coalesce(nullif(lower(trim(product_category_raw)), ''), 'unknown')
                    as product_category,
                coalesce(nullif(lower(trim(region_raw)), ''), 'unknown') as region,
                case when regexp_full_match(trim(quantity_raw), '{QUANTITY}')
                    then cast(trim(quantity_raw) as integer) end as quantity,
                case when regexp_full_match(trim(unit_price_raw), '{PRICE}')
                    then try_cast(trim(unit_price_raw) as decimal(18, 2)) end as unit_price,
                case when regexp_full_match({ts}, {lit(TIMESTAMP)})
                    and substr({ts}, 12, 2) <= '23'
                    and ({zone} in ('', 'Z') or (substr({zone}, 2, 2) <= '14'
                        and substr({zone}, 5, 2) <= '59'))
                    then case when {zone} = '' then try_cast({ts} as timestamp)
                        else timezone('UTC', try_cast({ts} as timestamptz)) end
                end as transaction_at
            from shaped
        )
        select *, cast(quantity * unit_price as decimal(18, 2)) as amount from typed
    """)
    # duplicates and conflicts: only ids that occur more than once can be either
    con.execute(f"""
        create temp table classified as
        with repeated as (
            select transaction_id from parsed where well_formed
            group by transaction_id having count(*) > 1
        ),
        versions as (
            select source_file, line_number, transaction_id,
                row_number() over (partition by transaction_id, v order by source_file,
                    line_number) as copy_number, v
            from (
                select *, (customer_id, product_id, product_category, region,
                    coalesce(quantity::varchar, 'r:' || nullif(trim(quantity_raw), '')),
                    coalesce(unit_price::varchar, 'r:' || nullif(trim(unit_price_raw), '')),
                    coalesce(transaction_at::varchar,
                        'r:' || nullif(trim(transaction_ts_raw), ''))) as v
                from parsed semi join repeated
                    on parsed.transaction_id is not distinct from repeated.transaction_id
                where well_formed
            )
        ),
        conflicts as (
            select transaction_id from versions group by transaction_id
            having count(distinct v) > 1
        ),
        marked as (
            select parsed.*, versions.copy_number,
                versions.transaction_id is not null and parsed.transaction_id in (
                    select transaction_id from conflicts) as is_conflicting
            from parsed left join versions using (source_file, line_number)
        )
        select *,
            case
                when not well_formed then 'malformed_row'
                when copy_number > 1 then null
                when transaction_id is null then 'missing_transaction_id'
                when is_conflicting then 'conflicting_duplicate'
                when customer_id is null then 'missing_customer_id'
                when transaction_at is null then 'invalid_transaction_ts'
                when cast(transaction_at as date) > date '{as_of}' then 'future_transaction_ts'
                when quantity is null then 'invalid_quantity'
                when unit_price is null then 'invalid_unit_price'
                when amount <= 0 then 'non_positive_amount'
            end as rejection_reason,
            case
                when not well_formed then 'quarantined'
                when copy_number > 1 then 'duplicate'
                when rejection_reason is not null then 'quarantined'
                else 'accepted'
            end as row_status
        from marked
    """)
    (out / "accepted").mkdir(parents=True, exist_ok=True)
    con.execute("""
        create temp table accepted as
        select transaction_id, customer_id, product_id, product_category, region, quantity,
            unit_price, amount, transaction_at, cast(transaction_at as date) as transaction_date,
            source_file, line_number
        from classified where row_status = 'accepted'
    """)
    outputs = {
        "accepted/part-0": "select * from accepted",
        "quarantine": """
            select source_file, line_number as record_number, line_count, rejection_reason,
                raw_line as raw_record, """
        + ", ".join(f"{c}_raw" for c in COLUMNS)
        + """
            from classified where row_status = 'quarantined'""",
        "accounting": """
            select files.source_file,
                coalesce(records.rows_read, 0) as rows_read,
                coalesce(c.rows_accepted, 0) as rows_accepted,
                coalesce(c.rows_duplicate, 0) as rows_duplicate,
                coalesce(c.rows_quarantined, 0) as rows_quarantined,
                coalesce(records.physical_lines, 0) as physical_lines,
                coalesce(headers.header_lines, 0) as header_lines,
                coalesce(records.blank_lines, 0) as blank_lines,
                0::bigint as comment_lines,
                coalesce(c.lines_accepted, 0) as lines_accepted,
                coalesce(c.lines_duplicate, 0) as lines_duplicate,
                coalesce(c.lines_quarantined, 0) as lines_quarantined
            from files
            left join headers using (source_file)
            left join (
                select source_file, max(line_number + line_count - 1) as physical_lines,
                    count(*) filter (where is_blank) as blank_lines,
                    greatest(count(*) filter (where not is_blank) - 1, 0) as rows_read
                from records group by source_file
            ) as records using (source_file)
            left join (
                select source_file,
                    count(*) filter (where row_status = 'accepted') as rows_accepted,
                    count(*) filter (where row_status = 'duplicate') as rows_duplicate,
                    count(*) filter (where row_status = 'quarantined') as rows_quarantined,
                    coalesce(sum(line_count) filter (where row_status = 'accepted'), 0)
                        as lines_accepted,
                    coalesce(sum(line_count) filter (where row_status = 'duplicate'), 0)
                        as lines_duplicate,
                    coalesce(sum(line_count) filter (where row_status = 'quarantined'), 0)
                        as lines_quarantined
                from classified group by source_file
            ) as c using (source_file)""",
        **duckdb_marts(as_of),
    }
    for name, sql in outputs.items():
        con.execute(f"copy ({sql}) to '{(out / name).as_posix()}.parquet' (format parquet)")
    accepted, quarantined = con.execute(
        "select count(*) filter (where row_status = 'accepted'),"
        " count(*) filter (where row_status = 'quarantined') from classified"
    ).fetchone()  # type: ignore[misc]
    return {"accepted": accepted, "quarantined": quarantined}


def duckdb_marts(as_of: dt.date) -> dict[str, str]:
    categorized = """
        (select accepted.*, seed.price_category,
            cast(date_trunc('month', transaction_date) as date) as transaction_month,
            cast(date_trunc('quarter', transaction_date) as date) as transaction_quarter,
            case when month(transaction_date) in (12, 1, 2) then 'winter'
                when month(transaction_date) in (3, 4, 5) then 'spring'
                when month(transaction_date) in (6, 7, 8) then 'summer' else 'autumn'
            end as season
        from accepted left join seed on unit_price >= seed.min_unit_price
            and (unit_price < seed.max_unit_price or seed.max_unit_price is null))"""
    aov = (
        "cast(cast((2 * cast(revenue * 100 as bigint) + n) // (2 * n) as decimal(18, 0))"
        " * 0.01 as decimal(18, 2))"
    )
    return {
        "daily_revenue": f"""
            select transaction_date, n as transaction_count, customer_count, units_sold,
                revenue, {aov} as average_order_value
            from (
                select transaction_date, count(*) as n,
                    count(distinct customer_id) as customer_count,
                    sum(quantity)::bigint as units_sold,
                    sum(amount)::decimal(18, 2) as revenue
                from accepted group by transaction_date)""",
        "regional_monthly_metrics": f"""
            select transaction_month, region, transaction_quarter, season,
                n as transaction_count, customer_count, units_sold, revenue,
                {aov} as average_order_value, low_price_count, medium_price_count,
                high_price_count, premium_price_count
            from (
                select transaction_month, region, min(transaction_quarter) as transaction_quarter,
                    min(season) as season, count(*) as n,
                    count(distinct customer_id) as customer_count,
                    sum(quantity)::bigint as units_sold,
                    sum(amount)::decimal(18, 2) as revenue,
                    count(*) filter (where price_category = 'Low') as low_price_count,
                    count(*) filter (where price_category = 'Medium') as medium_price_count,
                    count(*) filter (where price_category = 'High') as high_price_count,
                    count(*) filter (where price_category = 'Premium') as premium_price_count
                from {categorized} group by transaction_month, region)""",
        "category_monthly_trends": f"""
            with monthly as (
                select transaction_month, product_category, count(*) as transaction_count,
                    sum(quantity)::bigint as units_sold, sum(amount)::decimal(18, 2) as revenue
                from {categorized} group by all
            )
            select m.*, p.revenue as previous_month_revenue,
                cast(round((m.revenue - p.revenue) / p.revenue, 4) as decimal(18, 4))
                    as revenue_growth_rate
            from monthly as m left join monthly as p
                on p.product_category = m.product_category
                and p.transaction_month = cast(m.transaction_month - interval 1 month as date)""",
        "customer_segments": f"""
            select customer_id, first_purchase_date, last_purchase_date,
                recency::integer as recency_days, frequency, monetary,
                case
                    when recency <= 30 and frequency >= 10 then 'champion'
                    when recency <= 90 and frequency >= 5 then 'loyal'
                    when tenure <= 30 then 'new'
                    when recency > 180 then 'lost'
                    when recency > 90 then 'at_risk'
                    else 'regular'
                end as segment
            from (
                select customer_id, min(transaction_date) as first_purchase_date,
                    max(transaction_date) as last_purchase_date, count(*) as frequency,
                    sum(amount)::decimal(18, 2) as monetary,
                    date '{as_of}' - max(transaction_date) as recency,
                    date '{as_of}' - min(transaction_date) as tenure
                from accepted group by customer_id)""",
    }


# --- pandas (and Dask, which runs the same per-file steps on its partitions) --------------------


def pandas_file(path: Path) -> tuple[Any, dict[str, int]]:
    """One file's data records, split and typed (a pandas DataFrame), and its line counts."""
    import numpy as np
    import pandas as pd

    name = f"retail/{path.name}"
    text = path.read_bytes().decode("utf-8")
    lines, breaks = _physical_lines(text)
    n = len(lines)
    s = pd.Series(lines, dtype="str")
    open_before = np.zeros(n, dtype=bool)
    has_quote = s.str.contains('"', regex=False).to_numpy(dtype=bool)
    if has_quote.any():
        at = np.flatnonzero(has_quote)
        quoted = s.iloc[at]
        fc = quoted.str.removeprefix(BOM).str.fullmatch(OPENS).to_numpy(dtype=bool)
        fo = quoted.str.fullmatch(STAYS).to_numpy(dtype=bool)
        after = np.empty(len(at), dtype=bool)
        state = False
        for k in range(len(at)):  # the few lines with a quote, in file order
            state = bool(fo[k] if state else fc[k])
            after[k] = state
        before = np.searchsorted(at, np.arange(n), side="left") - 1
        open_before = np.where(before >= 0, after[np.maximum(before, 0)], False)
    starts = np.flatnonzero(~open_before)
    counts = np.diff(np.append(starts, n))
    raw = s.iloc[starts].reset_index(drop=True)
    if (counts > 1).any():
        raw = raw.astype(object)
        for k in np.flatnonzero(counts > 1):
            a, b = starts[k], starts[k] + counts[k]
            raw.iat[k] = "".join(lines[i] + breaks[i] for i in range(a, b - 1)) + lines[b - 1]
        raw = raw.astype("str")
    body = raw.str.removeprefix(BOM)
    blank = ((counts == 1) & (body.str.strip(" \t") == "").to_numpy(dtype=bool)).astype(bool)
    filled = np.flatnonzero(~blank)
    stats = {
        "physical_lines": n,
        "blank_lines": int(blank.sum()),
        "rows_read": max(len(filled) - 1, 0),
        "header_lines": int(counts[filled[0]]) if len(filled) else 0,
    }
    if len(filled) == 0:
        return None, stats
    header = [c.strip(" ") for c in split_csv(raw.iat[filled[0]]) or []]
    data = filled[1:]
    rec = pd.DataFrame(
        {
            "source_file": name,
            "line_number": (starts[data] + 1).astype("int64"),
            "line_count": counts[data].astype("int64"),
            "raw_line": raw.iloc[data].to_numpy(),
        }
    )
    rec["raw_line"] = rec["raw_line"].astype("str")
    rec = _pandas_split(pd, np, rec, body.iloc[data].reset_index(drop=True), header)
    return _pandas_typed(pd, np, rec), stats


def _physical_lines(text: str) -> tuple[list[str], list[str]]:
    """A file's lines and the break that ends each (LF, CRLF, a lone CR or none)."""
    if not text:
        return [], []
    pieces = text.split("\n")
    ends_with_lf = pieces[-1] == ""
    if ends_with_lf:
        pieces.pop()
    if "\r" not in text:
        breaks = ["\n"] * len(pieces)
        if not ends_with_lf:
            breaks[-1] = ""
        return pieces, breaks
    lines: list[str] = []
    breaks = []
    for i, piece in enumerate(pieces):
        final = i == len(pieces) - 1 and not ends_with_lf
        brk = "" if final else "\n"
        if piece.endswith("\r"):
            piece, brk = piece[:-1], ("\r" if final else "\r\n")
        subs = piece.split("\r")
        for sub in subs[:-1]:
            lines.append(sub)
            breaks.append("\r")
        lines.append(subs[-1])
        breaks.append(brk)
    return lines, breaks


def _pandas_split(pd, np, rec, body, header: list[str]):  # type: ignore[no-untyped-def]
    """The raw values of each record by the header's positions; malformed: all missing."""
    width = len(header)
    quoted = body.str.contains('"', regex=False).to_numpy(dtype=bool)
    fields = (body.str.count(",") + 1).to_numpy() == width
    fields &= ~quoted
    plain = np.flatnonzero(fields)
    # the lines without quotes and with the header's field count: pandas' own CSV reader
    # (no quoting: a comma always separates), one column per field
    parts = pd.read_csv(
        io.StringIO("\n".join(body.iloc[plain]) + "\n"),
        header=None,
        names=list(range(width)),
        dtype="str",
        na_filter=False,
        quoting=csv.QUOTE_NONE,
        skip_blank_lines=False,
        engine="c",
    )
    parts.index = plain
    parts = parts.reindex(range(len(rec)))
    well_formed = fields.copy()
    quoted_rows: dict[int, list[str]] = {}
    for k in np.flatnonzero(quoted):  # the few lines with quotes
        split = split_csv(body.iat[k])
        if split is not None and len(split) == width:
            well_formed[k] = True
            quoted_rows[k] = split
    if quoted_rows:
        parts.loc[list(quoted_rows)] = list(quoted_rows.values())
    for c in COLUMNS:
        rec[f"{c}_raw"] = parts[header.index(c)].to_numpy()
        rec[f"{c}_raw"] = rec[f"{c}_raw"].astype("str")
    rec["well_formed"] = well_formed
    return rec


def _pandas_typed(pd, np, rec):  # type: ignore[no-untyped-def]
    """Typed values: ids and text trimmed, quantity, price in cents, UTC microseconds."""

    def trimmed(c: str):  # type: ignore[no-untyped-def]
        t = rec[f"{c}_raw"].str.strip(" ")
        return t.where(t != "")

    rec["transaction_id"] = trimmed("transaction_id")
    rec["customer_id"] = trimmed("customer_id")
    rec["product_id"] = trimmed("product_id")
    for c in ("product_category", "region"):
        rec[c] = trimmed(c).str.lower().fillna("unknown")
    q = rec["quantity_raw"].str.strip(" ")
    q_ok = q.str.fullmatch(QUANTITY).fillna(False).to_numpy(dtype=bool)
    rec["quantity"] = pd.array(
        np.where(q_ok, pd.to_numeric(q.where(q_ok), errors="coerce").fillna(0), 0).astype("int64"),
        dtype="Int64",
    )
    rec.loc[~q_ok, "quantity"] = pd.NA
    p = rec["unit_price_raw"].str.strip(" ")
    p_ok = np.array(p.str.fullmatch(PRICE).fillna(False), dtype=bool)
    signed = p.str.replace(r"[.].*$", "", regex=True)
    whole = signed.str.lstrip("+-").str.lstrip("0")
    p_ok &= (whole.str.len() <= 16).fillna(False).to_numpy(dtype=bool)
    whole = whole.where(p_ok & (whole != ""), "0").astype("int64").to_numpy()
    decimals = p.str.replace(r"^[^.]*[.]?", "", regex=True)
    frac = (decimals.fillna("") + "00").str.slice(0, 2).where(p_ok, "0").astype("int64")
    sign = np.where(signed.str.startswith("-").fillna(False).to_numpy(dtype=bool), -1, 1)
    rec["price_cents"] = np.where(p_ok, sign * (whole * 100 + frac.to_numpy()), 0)
    rec["price_ok"] = p_ok
    t = rec["transaction_ts_raw"].str.strip(" ")
    ts_ok = np.array(t.str.fullmatch(TIMESTAMP).fillna(False), dtype=bool)
    tv = t.where(ts_ok, "0000-00-00 00:00:00")
    rest = tv.str.slice(19)
    zone = rest.str.replace(r"^[.0-9]*", "", regex=True)
    fraction_text = rest.str.replace(r"(Z|[+-][0-9]{2}:[0-9]{2})$", "", regex=True).str.slice(1)
    hours = pd.to_numeric(zone.str.slice(1, 3), errors="coerce").fillna(0).to_numpy()
    minutes = pd.to_numeric(zone.str.slice(4, 6), errors="coerce").fillna(0).to_numpy()
    for lo, hi, top in ((11, 13, 23), (14, 16, 59), (17, 19, 59)):
        ts_ok &= (pd.to_numeric(tv.str.slice(lo, hi), errors="coerce") <= top).to_numpy()
    ts_ok &= (hours <= 14) & (minutes <= 59)
    base = pd.to_datetime(
        (tv.str.slice(0, 10) + " " + tv.str.slice(11, 19)).where(ts_ok),
        format="%Y-%m-%d %H:%M:%S",
        errors="coerce",
    )
    ts_ok &= base.notna().to_numpy()
    micros = base.astype("datetime64[us]").to_numpy().astype("int64")
    fraction = (fraction_text + "000000").str.slice(0, 6).astype("int64").to_numpy()
    offset = (hours * 60 + minutes) * 60_000_000
    offset = np.where(zone.str.startswith("+").to_numpy(dtype=bool), -offset, offset)
    rec["at_us"] = np.where(ts_ok, micros + fraction + offset, 0)
    rec["ts_ok"] = ts_ok
    rec["day"] = np.floor_divide(rec["at_us"].to_numpy(), 86_400_000_000)
    rec["amount_cents"] = np.where(
        q_ok & p_ok, rec["quantity"].fillna(0).to_numpy() * rec["price_cents"].to_numpy(), 0
    )
    rec["q_ok"] = q_ok
    # the typed values with the trimmed raw text where a value does not parse: what a copy is
    rec["q_key"] = rec["quantity"].astype("str").where(q_ok, "r:" + q.where(q != ""))
    rec["p_key"] = rec["price_cents"].astype("str").where(p_ok, "r:" + p.where(p != ""))
    rec["t_key"] = rec["at_us"].astype("str").where(ts_ok, "r:" + t.where(t != ""))
    return rec


VERSION = [
    "transaction_id",
    "customer_id",
    "product_id",
    "product_category",
    "region",
    "q_key",
    "p_key",
    "t_key",
]


def pandas_versions(pd, np, rep):  # type: ignore[no-untyped-def]
    """copy_number and is_conflicting of the well-formed records whose id repeats."""
    rep = rep.sort_values(["source_file", "line_number"], kind="stable")
    key = rep[VERSION].fillna("\x00")
    copy = key.groupby(VERSION, sort=False).cumcount() + 1
    version = key.groupby(VERSION, sort=False).ngroup()
    conflicting = version.groupby(key["transaction_id"]).transform("nunique") > 1
    return pd.DataFrame(
        {
            "source_file": rep["source_file"],
            "line_number": rep["line_number"],
            "copy_number": copy.to_numpy(),
            "is_conflicting": conflicting.to_numpy(),
        }
    )


def pandas_classify(pd, np, rec, versions, as_of: dt.date):  # type: ignore[no-untyped-def]
    """row_status and rejection_reason of every record (versions: pandas_versions' rows)."""
    rec = rec.merge(versions, on=["source_file", "line_number"], how="left")
    copy = rec["copy_number"].fillna(1).to_numpy()
    conflicting = rec["is_conflicting"].fillna(False).to_numpy(dtype=bool)
    as_of_day = (as_of - dt.date(1970, 1, 1)).days
    conditions = [
        rec["transaction_id"].isna().to_numpy(),
        conflicting,
        rec["customer_id"].isna().to_numpy(),
        ~rec["ts_ok"].to_numpy(dtype=bool),
        rec["day"].to_numpy() > as_of_day,
        ~rec["q_ok"].to_numpy(dtype=bool),
        ~rec["price_ok"].to_numpy(dtype=bool),
        rec["amount_cents"].to_numpy() <= 0,
    ]
    reason = np.select(conditions, RULES, default="")
    well_formed = rec["well_formed"].to_numpy(dtype=bool)
    reason = np.where(well_formed, np.where(copy > 1, "", reason), "malformed_row")
    rec["rejection_reason"] = reason
    rec["row_status"] = np.where(
        reason != "", "quarantined", np.where(copy > 1, "duplicate", "accepted")
    )
    return rec


def decimal_array(cents, valid=None, scale: int = 2):  # type: ignore[no-untyped-def]
    """Exact decimal(18, scale) from integer units of 10^-scale (no float on the way)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    units = np.ascontiguousarray(np.asarray(cents, dtype=np.int64))
    two = np.empty((len(units), 2), dtype=np.int64)
    two[:, 0], two[:, 1] = units, units >> 63
    arr = pa.Array.from_buffers(pa.decimal128(18, scale), len(units), [None, pa.py_buffer(two)])
    if valid is not None:
        arr = pc.if_else(pa.array(np.asarray(valid, dtype=bool)), arr, pa.scalar(None, arr.type))
    return arr


def days_array(days):  # type: ignore[no-untyped-def]
    import numpy as np
    import pyarrow as pa

    return pa.array(np.asarray(days, dtype="int64").astype("int32"), pa.int32()).cast(pa.date32())


def write_arrow(columns: dict[str, Any], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)


def pandas_accepted_table(np, acc) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    import pyarrow as pa

    return {
        "transaction_id": pa.array(acc["transaction_id"], pa.string()),
        "customer_id": pa.array(acc["customer_id"], pa.string()),
        "product_id": pa.array(
            acc["product_id"].astype(object).where(acc["product_id"].notna(), None), pa.string()
        ),
        "product_category": pa.array(acc["product_category"], pa.string()),
        "region": pa.array(acc["region"], pa.string()),
        "quantity": pa.array(acc["quantity"].to_numpy(dtype="int64").astype("int32")),
        "unit_price": decimal_array(acc["price_cents"].to_numpy()),
        "amount": decimal_array(acc["amount_cents"].to_numpy()),
        "transaction_at": pa.array(acc["at_us"].to_numpy(dtype="int64"), pa.timestamp("us")),
        "transaction_date": days_array(acc["day"].to_numpy()),
        "source_file": pa.array(acc["source_file"], pa.string()),
        "line_number": pa.array(acc["line_number"].to_numpy(dtype="int64")),
    }


def pandas_quarantine_table(quarantined) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    import pyarrow as pa

    def text(series):  # type: ignore[no-untyped-def]
        return pa.array(series.astype(object).where(series.notna(), None), pa.string())

    table = {
        "source_file": text(quarantined["source_file"]),
        "record_number": pa.array(quarantined["line_number"].to_numpy(dtype="int64")),
        "line_count": pa.array(quarantined["line_count"].to_numpy(dtype="int64")),
        "rejection_reason": text(quarantined["rejection_reason"]),
        "raw_record": text(quarantined["raw_line"]),
    }
    for c in COLUMNS:
        table[f"{c}_raw"] = text(quarantined[f"{c}_raw"])
    return table


def mart_frame(pd, np, acc):  # type: ignore[no-untyped-def]
    """The accepted rows with month, quarter, season and a 0/1 column per price category."""
    t = pd.DataFrame(
        {
            "customer_id": acc["customer_id"],
            "product_category": acc["product_category"],
            "region": acc["region"],
            "quantity": acc["quantity"].to_numpy(dtype="int64"),
            "cents": acc["amount_cents"].to_numpy(dtype="int64"),
            "price": acc["price_cents"].to_numpy(dtype="int64"),
            "day": acc["day"].to_numpy(dtype="int64"),
        }
    )
    dates = t["day"].to_numpy().astype("datetime64[D]")
    t["month"] = dates.astype("datetime64[M]").astype("datetime64[D]").astype("int64")
    months = dates.astype("datetime64[M]").astype("int64") % 12 + 1
    t["quarter"] = (
        (dates.astype("datetime64[Y]").astype("int64") * 12 + (months - 1) // 3 * 3)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype("int64")
    )
    t["season"] = np.select(
        [np.isin(months, [12, 1, 2]), np.isin(months, [3, 4, 5]), np.isin(months, [6, 7, 8])],
        ["winter", "spring", "summer"],
        default="autumn",
    )
    for name, low, high in price_categories():
        inside = t["price"].to_numpy() >= low
        if high is not None:
            inside &= t["price"].to_numpy() < high
        t[name] = inside.astype("int64")
    return t


def pandas_marts(pd, np, acc, out: Path, as_of: dt.date) -> None:  # type: ignore[no-untyped-def]
    """The four marts from the accepted rows (pandas; Dask hands over its aggregates)."""
    t = mart_frame(pd, np, acc)
    daily = t.groupby("day").agg(
        n=("cents", "size"),
        customer_count=("customer_id", "nunique"),
        units_sold=("quantity", "sum"),
        revenue=("cents", "sum"),
    )
    regional = t.groupby(["month", "region"]).agg(
        transaction_quarter=("quarter", "min"),
        season=("season", "min"),
        n=("cents", "size"),
        customer_count=("customer_id", "nunique"),
        units_sold=("quantity", "sum"),
        revenue=("cents", "sum"),
        low=("Low", "sum"),
        medium=("Medium", "sum"),
        high=("High", "sum"),
        premium=("Premium", "sum"),
    )
    monthly = t.groupby(["month", "product_category"]).agg(
        n=("cents", "size"), units_sold=("quantity", "sum"), revenue=("cents", "sum")
    )
    customers = t.groupby("customer_id").agg(
        first=("day", "min"), last=("day", "max"), n=("cents", "size"), monetary=("cents", "sum")
    )
    write_pandas_marts(pd, np, daily, regional, monthly, customers, out, as_of)


def _aov(np, revenue, n):  # type: ignore[no-untyped-def]
    revenue, n = np.asarray(revenue, dtype="int64"), np.asarray(n, dtype="int64")
    return decimal_array((2 * revenue + n) // (2 * n))


def write_pandas_marts(  # type: ignore[no-untyped-def]
    pd, np, daily, regional, monthly, customers, out: Path, as_of: dt.date
) -> None:
    import pyarrow as pa

    daily = daily.reset_index()
    write_arrow(
        {
            "transaction_date": days_array(daily["day"]),
            "transaction_count": pa.array(daily["n"].to_numpy(dtype="int64")),
            "customer_count": pa.array(daily["customer_count"].to_numpy(dtype="int64")),
            "units_sold": pa.array(daily["units_sold"].to_numpy(dtype="int64")),
            "revenue": decimal_array(daily["revenue"]),
            "average_order_value": _aov(np, daily["revenue"], daily["n"]),
        },
        out / "daily_revenue.parquet",
    )
    r = regional.reset_index()
    write_arrow(
        {
            "transaction_month": days_array(r["month"]),
            "region": pa.array(r["region"].astype(object), pa.string()),
            "transaction_quarter": days_array(r["transaction_quarter"]),
            "season": pa.array(r["season"].astype(object), pa.string()),
            "transaction_count": pa.array(r["n"].to_numpy(dtype="int64")),
            "customer_count": pa.array(r["customer_count"].to_numpy(dtype="int64")),
            "units_sold": pa.array(r["units_sold"].to_numpy(dtype="int64")),
            "revenue": decimal_array(r["revenue"]),
            "average_order_value": _aov(np, r["revenue"], r["n"]),
            **{
                f"{c}_price_count": pa.array(r[c].to_numpy(dtype="int64"))
                for c in ("low", "medium", "high", "premium")
            },
        },
        out / "regional_monthly_metrics.parquet",
    )
    m = monthly.reset_index()
    months = m["month"].to_numpy().astype("datetime64[D]")
    previous_month = (months.astype("datetime64[M]") - 1).astype("datetime64[D]").astype("int64")
    previous = m[["month", "product_category", "revenue"]].rename(
        columns={"month": "previous_month", "revenue": "previous"}
    )
    m["previous_month"] = previous_month
    m = m.merge(previous, on=["previous_month", "product_category"], how="left")
    has_previous = m["previous"].notna().to_numpy()
    prev = m["previous"].fillna(1).to_numpy(dtype="int64")
    rev = m["revenue"].to_numpy(dtype="int64")
    # as DuckDB's round(decimal / decimal, 4): a double ratio, rounded half away from zero
    ratio = ((rev - prev) / 100.0) / (prev / 100.0) * 10_000
    growth = (np.sign(ratio) * np.floor(np.abs(ratio) + 0.5)).astype("int64")
    write_arrow(
        {
            "transaction_month": days_array(m["month"]),
            "product_category": pa.array(m["product_category"].astype(object), pa.string()),
            "transaction_count": pa.array(m["n"].to_numpy(dtype="int64")),
            "units_sold": pa.array(m["units_sold"].to_numpy(dtype="int64")),
            "revenue": decimal_array(rev),
            "previous_month_revenue": decimal_array(prev, has_previous),
            "revenue_growth_rate": decimal_array(growth, has_previous, scale=4),
        },
        out / "category_monthly_trends.parquet",
    )
    c = customers.reset_index()
    as_of_day = (as_of - dt.date(1970, 1, 1)).days
    recency = as_of_day - c["last"].to_numpy(dtype="int64")
    tenure = as_of_day - c["first"].to_numpy(dtype="int64")
    n = c["n"].to_numpy(dtype="int64")
    segment = np.select(
        [
            (recency <= 30) & (n >= 10),
            (recency <= 90) & (n >= 5),
            tenure <= 30,
            recency > 180,
            recency > 90,
        ],
        ["champion", "loyal", "new", "lost", "at_risk"],
        default="regular",
    )
    write_arrow(
        {
            "customer_id": pa.array(c["customer_id"].astype(object), pa.string()),
            "first_purchase_date": days_array(c["first"]),
            "last_purchase_date": days_array(c["last"]),
            "recency_days": pa.array(recency.astype("int32")),
            "frequency": pa.array(n),
            "monetary": decimal_array(c["monetary"]),
            "segment": pa.array(segment, pa.string()),
        },
        out / "customer_segments.parquet",
    )


def status_counts(classified):  # type: ignore[no-untyped-def]
    """Records (size) and lines (sum) per file and row status (pandas or Dask)."""
    return classified.groupby(["source_file", "row_status"])["line_count"].agg(["size", "sum"])


def pandas_accounting(pd, stats: dict[str, dict[str, int]], counts) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    import pyarrow as pa

    counts = counts.unstack(fill_value=0)
    rows: dict[str, list[int]] = {c: [] for c in ACCOUNTING[1:]}
    names = sorted(stats)
    for name in names:
        st = stats[name]

        def get(kind: str, status: str, name: str = name) -> int:
            key = (kind, status)
            if name in counts.index and key in counts.columns:
                return int(counts.loc[name, key])
            return 0

        values = {
            "rows_read": st["rows_read"],
            "rows_accepted": get("size", "accepted"),
            "rows_duplicate": get("size", "duplicate"),
            "rows_quarantined": get("size", "quarantined"),
            "physical_lines": st["physical_lines"],
            "header_lines": st["header_lines"],
            "blank_lines": st["blank_lines"],
            "comment_lines": 0,
            "lines_accepted": get("sum", "accepted"),
            "lines_duplicate": get("sum", "duplicate"),
            "lines_quarantined": get("sum", "quarantined"),
        }
        for k, v in values.items():
            rows[k].append(v)
    return {
        "source_file": pa.array(names, pa.string()),
        **{k: pa.array(v, pa.int64()) for k, v in rows.items()},
    }


def run_pandas(raw: Path, out: Path, as_of: dt.date) -> dict[str, int]:
    import numpy as np
    import pandas as pd

    frames, stats = [], {}
    for path in retail_files(raw):
        frame, st = pandas_file(path)
        stats[f"retail/{path.name}"] = st
        if frame is not None:
            frames.append(frame)
    trace("pandas files read and typed")
    rec = pd.concat(frames, ignore_index=True)
    well_formed = rec[rec["well_formed"]]
    ids = well_formed["transaction_id"].fillna("\x00")
    repeats = ids.duplicated(keep=False)
    versions = pandas_versions(pd, np, well_formed[repeats.to_numpy()])
    trace("pandas versions")
    rec = pandas_classify(pd, np, rec, versions, as_of)
    trace("pandas classified")
    acc = rec[rec["row_status"] == "accepted"]
    (out / "accepted").mkdir(parents=True, exist_ok=True)
    write_arrow(pandas_accepted_table(np, acc), out / "accepted" / "part-0.parquet")
    quarantined = rec[rec["row_status"] == "quarantined"]
    write_arrow(pandas_quarantine_table(quarantined), out / "quarantine.parquet")
    write_arrow(pandas_accounting(pd, stats, status_counts(rec)), out / "accounting.parquet")
    trace("pandas outputs written")
    pandas_marts(pd, np, acc, out, as_of)
    return {"accepted": len(acc), "quarantined": len(quarantined)}


# --- Polars -------------------------------------------------------------------------------------


def run_polars(raw: Path, out: Path, as_of: dt.date) -> dict[str, int]:
    # Polars' in-memory engine: at 10M rows it is the fastest (72 s, peak 21 GB, 2026-12-07),
    # and Polars 2.1.0's default streaming engine deadlocks there once it starts spilling (both
    # rayon workers wait in SpillFrame::get_blocking for an unspill that needs a rayon worker);
    # with a 16 GB spill budget that engine finishes in 199 s at a 24 GB peak.
    os.environ.setdefault("POLARS_ENGINE_AFFINITY", "in-memory")
    import polars as pl

    c = pl.col
    paths = retail_files(raw)
    texts = pl.DataFrame(
        {
            "file_index": list(range(len(paths))),
            "source_file": [f"retail/{p.name}" for p in paths],
            "content": [p.read_bytes().decode("utf-8") for p in paths],
        },
        schema_overrides={"file_index": pl.Int64},
    )
    # physical lines: split at LF (a CR before it belongs to a CRLF), then, in the files that
    # have them, at lone CRs
    pieces = (
        texts.lazy()
        .select(
            "file_index",
            "source_file",
            c("content").str.split("\n").alias("piece"),
            c("content").str.contains(r"\r[^\n]|\r$").alias("has_lone_cr"),
        )
        .with_columns(c("piece").list.len().alias("n"))
        .explode("piece")
        .with_columns(pl.int_range(1, pl.len() + 1).over("file_index").alias("i"))
        .filter(~((c("i") == c("n")) & (c("piece") == "")))
        .with_columns(c("piece").str.ends_with("\r").alias("cr"))
        .with_columns(
            c("piece").str.strip_suffix("\r").alias("body"),
            pl.when((c("i") < c("n")) & c("cr"))
            .then(pl.lit("\r\n"))
            .when(c("i") < c("n"))
            .then(pl.lit("\n"))
            .when(c("cr"))
            .then(pl.lit("\r"))
            .otherwise(pl.lit(""))
            .alias("piece_break"),
        )
    )
    plain_lines = pieces.filter(~c("has_lone_cr")).select(
        "file_index",
        "source_file",
        c("i").alias("line_number"),
        c("body").alias("text"),
        c("piece_break").alias("brk"),
    )
    cr_lines = (
        pieces.filter(c("has_lone_cr"))
        .with_columns(c("body").str.split("\r").alias("sub"))
        .explode("sub")
        .select(
            "file_index",
            "source_file",
            pl.int_range(1, pl.len() + 1).over("file_index").alias("line_number"),
            c("sub").alias("text"),
            # every piece's last line ends as the piece does; the others with a CR
            pl.when((c("i") == c("i").shift(-1)) & (c("file_index") == c("file_index").shift(-1)))
            .then(pl.lit("\r"))
            .otherwise(c("piece_break"))
            .alias("brk"),
        )
    )
    lines = (
        pl.concat([plain_lines, cr_lines])
        .with_columns(((c("file_index") * (1 << 32)) + c("line_number")).alias("key"))
        .sort("key")
        .collect()
    )
    trace("polars lines")
    # records: the quote state after each line with a quote (a line without keeps it)
    quote_lines = (
        lines.lazy()
        .filter(c("text").str.contains('"', literal=True))
        .select(
            "file_index",
            "key",
            c("text").str.strip_prefix(BOM).str.contains(f"^(?:{OPENS})$").alias("fc"),
            c("text").str.contains(f"^(?:{STAYS})$").alias("fo"),
        )
        .with_columns((c("fc") == c("fo")).alias("setter"), (c("fc") & ~c("fo")).alias("flip"))
        .with_columns(c("flip").cast(pl.Int64).cum_sum().over("file_index").alias("flips"))
        .with_columns(
            pl.when(c("setter"))
            .then(c("fc"))
            .forward_fill()
            .over("file_index")
            .fill_null(False)
            .alias("setter_state"),
            pl.when(c("setter"))
            .then(c("flips"))
            .forward_fill()
            .over("file_index")
            .fill_null(0)
            .alias("flips_at_setter"),
        )
        .select(
            c("file_index").alias("quote_file"),
            (c("key") + 1).alias("key"),
            (c("setter_state") ^ ((c("flips") - c("flips_at_setter")) % 2 == 1)).alias("after"),
        )
        .collect()
    )
    trace("polars quote lines")
    if quote_lines.height:
        lines = lines.join_asof(quote_lines, on="key", strategy="backward").with_columns(
            ((c("quote_file") == c("file_index")) & c("after")).fill_null(False).alias("cont")
        )
    else:
        lines = lines.with_columns(pl.lit(False).alias("cont"))
    lines = lines.with_columns(
        (~c("cont")).cast(pl.Int64).cum_sum().alias("record"),
        (c("cont") | c("cont").shift(-1).fill_null(False)).alias("multi"),
    )
    single = (
        lines.lazy()
        .filter(~c("multi"))
        .select(
            "file_index",
            "source_file",
            "line_number",
            pl.lit(1, pl.Int64).alias("line_count"),
            c("text").alias("raw_line"),
        )
    )
    multi = (
        lines.lazy()
        .filter(c("multi"))
        .group_by("record")
        .agg(
            c("file_index").first(),
            c("source_file").first(),
            c("line_number").min(),
            pl.len().cast(pl.Int64).alias("line_count"),
            (c("text") + c("brk")).str.join("").alias("joined"),
            c("brk").last().alias("last_brk"),
        )
        .select(
            "file_index",
            "source_file",
            "line_number",
            "line_count",
            c("joined")
            .str.slice(0, c("joined").str.len_chars() - c("last_brk").str.len_chars())
            .alias("raw_line"),
        )
    )
    physical = lines.group_by("source_file").agg(c("line_number").max().alias("physical_lines"))
    del lines
    records = (
        pl.concat([single, multi])
        .with_columns(c("raw_line").str.strip_prefix(BOM).alias("body"))
        .with_columns(
            ((c("line_count") == 1) & (c("body").str.strip_chars(" \t") == "")).alias("blank")
        )
        .collect()
    )
    trace("polars records")
    headers = (
        records.lazy()
        .filter(~c("blank"))
        .sort("file_index", "line_number")
        .group_by("file_index", maintain_order=True)
        .agg(
            c("line_number").first().alias("header_line_number"),
            c("line_count").first().alias("header_lines"),
            c("raw_line").first().alias("header"),
        )
        .collect()
    )
    # each column's position in each file's header (the header line split in Python: 1 a file)
    positions = headers.with_columns(
        pl.Series(
            "n_fields",
            [len(split_csv(h) or []) for h in headers["header"]],
            dtype=pl.Int64,
        ),
        *[
            pl.Series(
                f"p_{col}",
                [[x.strip(" ") for x in split_csv(h) or []].index(col) for h in headers["header"]],
                dtype=pl.Int64,
            )
            for col in COLUMNS
        ],
    ).drop("header")
    data = (
        records.lazy()
        .filter(~c("blank"))
        .join(positions.lazy(), on="file_index")
        .filter(c("line_number") > c("header_line_number"))
        .with_columns(c("body").str.contains('"', literal=True).alias("quoted"))
    )
    plain = data.filter(~c("quoted")).with_columns(c("body").str.split(",").alias("fields"))
    quoted = (
        data.filter(c("quoted"))
        .with_columns((c("body") + ",").str.extract_all(FIELD).alias("pieces"))
        .with_columns(
            pl.when(c("pieces").list.join("") == c("body") + ",")
            .then(
                c("pieces").list.eval(
                    pl.when(pl.element().str.starts_with('"'))
                    .then(
                        pl.element()
                        .str.slice(1, pl.element().str.len_chars() - 3)
                        .str.replace_all('""', '"', literal=True)
                    )
                    .otherwise(pl.element().str.slice(0, pl.element().str.len_chars() - 1))
                )
            )
            .alias("fields")
        )
        .drop("pieces")
    )
    split = pl.concat([plain, quoted]).with_columns(
        (c("fields").list.len() == c("n_fields")).fill_null(False).alias("well_formed")
    )
    split = (
        split.with_columns(
            *[
                pl.when(c("well_formed"))
                .then(c("fields").list.get(c(f"p_{col}")))
                .alias(f"{col}_raw")
                for col in COLUMNS
            ]
        )
        .collect()
        .lazy()
    )
    trace("polars split")

    def trimmed(col: str) -> pl.Expr:
        t = c(f"{col}_raw").str.strip_chars(" ")
        return pl.when(t != "").then(t)

    # step by step, each value computed once
    typed = (
        split.with_columns(
            c("transaction_ts_raw").str.strip_chars(" ").alias("ts"),
            c("quantity_raw").str.strip_chars(" ").alias("q"),
            c("unit_price_raw").str.strip_chars(" ").alias("p"),
        )
        .with_columns(c("ts").str.extract_groups(f"^{TIMESTAMP}$").alias("g"))
        .with_columns(
            *[
                c("g").struct.field(str(k)).cast(pl.Int64, strict=False).alias(f"g{k}")
                for k in (4, 5, 6)
            ],
            c("g").struct.field("8").fill_null("").alias("zone"),
            pl.concat_str([c("g").struct.field(str(k)) for k in range(1, 7)], separator="|")
            .str.strptime(pl.Datetime("us"), "%Y|%m|%d|%H|%M|%S", strict=False)
            .alias("base"),
            (c("g").struct.field("7").fill_null("") + "000000")
            .str.slice(0, 6)
            .cast(pl.Int64)
            .alias("fraction"),
        )
        .with_columns(
            c("zone").str.slice(1, 2).cast(pl.Int64, strict=False).fill_null(0).alias("zh"),
            c("zone").str.slice(4, 2).cast(pl.Int64, strict=False).fill_null(0).alias("zm"),
        )
        .with_columns(
            pl.when(
                c("base").is_not_null()
                & (c("g4") <= 23)
                & (c("g5") <= 59)
                & (c("g6") <= 59)
                & (c("zh") <= 14)
                & (c("zm") <= 59)
            )
            .then(
                c("base")
                + pl.duration(microseconds=c("fraction"))
                + pl.duration(
                    minutes=pl.when(c("zone").str.starts_with("+"))
                    .then(-(c("zh") * 60 + c("zm")))
                    .otherwise(c("zh") * 60 + c("zm"))
                )
            )
            .alias("transaction_at"),
            trimmed("transaction_id").alias("transaction_id"),
            trimmed("customer_id").alias("customer_id"),
            trimmed("product_id").alias("product_id"),
            trimmed("product_category")
            .str.to_lowercase()
            .fill_null("unknown")
            .alias("product_category"),
            trimmed("region").str.to_lowercase().fill_null("unknown").alias("region"),
            pl.when(c("q").str.contains(f"^{QUANTITY}$"))
            .then(c("q").cast(pl.Int32, strict=False))
            .alias("quantity"),
            pl.when(
                c("p").str.contains(f"^(?:{PRICE})$")
                & (
                    c("p").str.extract("^[+-]?([0-9]*)").str.strip_chars_start("0").str.len_chars()
                    <= 16
                )
            )
            .then(c("p").str.to_decimal(scale=2))
            .alias("unit_price"),
        )
        .drop("g", "g4", "g5", "g6", "zone", "base", "fraction", "zh", "zm", "fields")
        .with_columns(
            (c("quantity") * c("unit_price")).alias("amount"),
            c("transaction_at").dt.date().alias("transaction_date"),
        )
    )
    q, p, ts = c("q"), c("p"), c("ts")
    typed = typed.collect()
    trace("polars typed")
    # duplicates and conflicts: only ids that occur more than once can be either
    version = [
        c("customer_id"),
        c("product_id"),
        c("product_category"),
        c("region"),
        pl.coalesce(c("quantity").cast(pl.String), "r:" + q),
        pl.coalesce(c("unit_price").cast(pl.String), "r:" + p),
        pl.coalesce(c("transaction_at").cast(pl.String), "r:" + ts),
    ]
    repeated = (
        typed.lazy()
        .filter(c("well_formed"))
        .filter(pl.len().over("transaction_id") > 1)
        .sort("file_index", "line_number")
        .with_columns(pl.struct(version).alias("v"))
        .select(
            "file_index",
            "line_number",
            pl.int_range(1, pl.len() + 1).over("transaction_id", "v").alias("copy_number"),
            (c("v").n_unique().over("transaction_id") > 1).alias("is_conflicting"),
        )
    )
    as_of_lit = pl.lit(as_of)
    classified = (
        typed.lazy()
        .join(repeated, on=["file_index", "line_number"], how="left")
        .with_columns(
            c("copy_number").fill_null(1),
            c("is_conflicting").fill_null(False),
        )
        .with_columns(
            pl.when(~c("well_formed"))
            .then(pl.lit("malformed_row"))
            .when(c("copy_number") > 1)
            .then(None)
            .when(c("transaction_id").is_null())
            .then(pl.lit("missing_transaction_id"))
            .when(c("is_conflicting"))
            .then(pl.lit("conflicting_duplicate"))
            .when(c("customer_id").is_null())
            .then(pl.lit("missing_customer_id"))
            .when(c("transaction_at").is_null())
            .then(pl.lit("invalid_transaction_ts"))
            .when(c("transaction_date") > as_of_lit)
            .then(pl.lit("future_transaction_ts"))
            .when(c("quantity").is_null())
            .then(pl.lit("invalid_quantity"))
            .when(c("unit_price").is_null())
            .then(pl.lit("invalid_unit_price"))
            .when(c("amount") <= 0)
            .then(pl.lit("non_positive_amount"))
            .alias("rejection_reason")
        )
        .with_columns(
            pl.when(c("rejection_reason").is_not_null())
            .then(pl.lit("quarantined"))
            .when(c("copy_number") > 1)
            .then(pl.lit("duplicate"))
            .otherwise(pl.lit("accepted"))
            .alias("row_status")
        )
        .collect()
    )
    trace("polars classified")
    del typed
    accepted = classified.filter(c("row_status") == "accepted").select(
        "transaction_id",
        "customer_id",
        "product_id",
        "product_category",
        "region",
        "quantity",
        c("unit_price").cast(pl.Decimal(18, 2)),
        c("amount").cast(pl.Decimal(18, 2)),
        "transaction_at",
        "transaction_date",
        "source_file",
        c("line_number").cast(pl.Int64),
    )
    (out / "accepted").mkdir(parents=True, exist_ok=True)
    accepted.write_parquet(out / "accepted" / "part-0.parquet")
    quarantined = classified.filter(c("row_status") == "quarantined")
    quarantined.select(
        "source_file",
        c("line_number").cast(pl.Int64).alias("record_number"),
        "line_count",
        "rejection_reason",
        c("raw_line").alias("raw_record"),
        *[c(f"{col}_raw") for col in COLUMNS],
    ).write_parquet(out / "quarantine.parquet")
    status = classified.group_by("source_file").agg(
        *[
            (c("row_status") == s).sum().cast(pl.Int64).alias(f"rows_{s}")
            for s in ("accepted", "duplicate", "quarantined")
        ],
        *[
            c("line_count").filter(c("row_status") == s).sum().cast(pl.Int64).alias(f"lines_{s}")
            for s in ("accepted", "duplicate", "quarantined")
        ],
    )
    counts = records.group_by("file_index", "source_file").agg(
        c("blank").sum().cast(pl.Int64).alias("blank_lines"),
        ((~c("blank")).sum().cast(pl.Int64) - 1).clip(lower_bound=0).alias("rows_read"),
    )
    (
        texts.select("file_index", "source_file")
        .join(counts.drop("source_file"), on="file_index", how="left")
        .join(headers.select("file_index", "header_lines"), on="file_index", how="left")
        .join(physical, on="source_file", how="left")
        .join(status, on="source_file", how="left")
        .with_columns(pl.lit(0, pl.Int64).alias("comment_lines"))
        .select(
            [
                c(col).cast(pl.Int64).fill_null(0) if col != "source_file" else c(col)
                for col in ACCOUNTING
            ]
        )
        .write_parquet(out / "accounting.parquet")
    )
    trace("polars outputs written")
    polars_marts(pl, accepted, out, as_of)
    return {"accepted": accepted.height, "quarantined": quarantined.height}


def polars_marts(pl, accepted, out: Path, as_of: dt.date) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    c = pl.col
    cents = (c("unit_price") * 100).cast(pl.Int64)
    category = pl.lit(None, pl.String)
    for name, low, high in reversed(price_categories()):
        inside = cents >= low if high is None else (cents >= low) & (cents < high)
        category = pl.when(inside).then(pl.lit(name)).otherwise(category)
    month = c("transaction_date").dt.month()
    t = accepted.lazy().select(
        "customer_id",
        "product_category",
        "region",
        "quantity",
        "amount",
        "transaction_date",
        c("transaction_date").dt.truncate("1mo").alias("transaction_month"),
        c("transaction_date").dt.truncate("1q").alias("transaction_quarter"),
        pl.when(month.is_in([12, 1, 2]))
        .then(pl.lit("winter"))
        .when(month.is_in([3, 4, 5]))
        .then(pl.lit("spring"))
        .when(month.is_in([6, 7, 8]))
        .then(pl.lit("summer"))
        .otherwise(pl.lit("autumn"))
        .alias("season"),
        category.alias("price_category"),
    )

    def money(expr):  # type: ignore[no-untyped-def]
        return expr.cast(pl.Decimal(18, 2))

    def aov():  # type: ignore[no-untyped-def]
        revenue = (c("revenue") * 100).cast(pl.Int64)
        n = c("transaction_count")
        units = (2 * revenue + n) // (2 * n)
        return (units.cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.01"))).cast(pl.Decimal(18, 2))

    summary = [
        pl.len().cast(pl.Int64).alias("transaction_count"),
        c("customer_id").n_unique().cast(pl.Int64).alias("customer_count"),
        c("quantity").sum().cast(pl.Int64).alias("units_sold"),
        money(c("amount").sum()).alias("revenue"),
    ]
    t.group_by("transaction_date").agg(summary).with_columns(
        aov().alias("average_order_value")
    ).collect().write_parquet(out / "daily_revenue.parquet")
    t.group_by("transaction_month", "region").agg(
        c("transaction_quarter").min(),
        c("season").min(),
        *summary,
        *[
            (c("price_category") == name).sum().cast(pl.Int64).alias(f"{name.lower()}_price_count")
            for name in ("Low", "Medium", "High", "Premium")
        ],
    ).with_columns(aov().alias("average_order_value")).collect().write_parquet(
        out / "regional_monthly_metrics.parquet"
    )
    monthly = t.group_by("transaction_month", "product_category").agg(
        pl.len().cast(pl.Int64).alias("transaction_count"),
        c("quantity").sum().cast(pl.Int64).alias("units_sold"),
        money(c("amount").sum()).alias("revenue"),
    )
    previous = monthly.select(
        c("transaction_month").dt.offset_by("1mo"),
        "product_category",
        c("revenue").alias("previous_month_revenue"),
    )
    # as DuckDB's round(decimal / decimal, 4): a double ratio, rounded half away from zero
    ratio = (c("revenue") - c("previous_month_revenue")).cast(pl.Float64) / c(
        "previous_month_revenue"
    ).cast(pl.Float64)
    growth = (ratio * 10_000).round(0, mode="half_away_from_zero").cast(pl.Int64)
    monthly.join(previous, on=["transaction_month", "product_category"], how="left").with_columns(
        (growth.cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.0001")))
        .cast(pl.Decimal(18, 4))
        .alias("revenue_growth_rate")
    ).collect().write_parquet(out / "category_monthly_trends.parquet")
    as_of_lit = pl.lit(as_of)
    recency = (as_of_lit - c("last_purchase_date")).dt.total_days()
    tenure = (as_of_lit - c("first_purchase_date")).dt.total_days()
    t.group_by("customer_id").agg(
        c("transaction_date").min().alias("first_purchase_date"),
        c("transaction_date").max().alias("last_purchase_date"),
        pl.len().cast(pl.Int64).alias("frequency"),
        money(c("amount").sum()).alias("monetary"),
    ).with_columns(
        recency.cast(pl.Int32).alias("recency_days"),
        pl.when((recency <= 30) & (c("frequency") >= 10))
        .then(pl.lit("champion"))
        .when((recency <= 90) & (c("frequency") >= 5))
        .then(pl.lit("loyal"))
        .when(tenure <= 30)
        .then(pl.lit("new"))
        .when(recency > 180)
        .then(pl.lit("lost"))
        .when(recency > 90)
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("regular"))
        .alias("segment"),
    ).collect().write_parquet(out / "customer_segments.parquet")


# --- Dask ---------------------------------------------------------------------------------------


def run_dask(raw: Path, out: Path, as_of: dt.date) -> dict[str, int]:
    """Dask over pandas partitions (one per file): the files are read and typed in parallel,
    the ids that repeat are found over all partitions, the classification runs partition by
    partition, and the marts are Dask group-bys."""
    import dask
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    dask.config.set(scheduler="threads")
    paths = retail_files(raw)
    parsed = dask.compute(*[dask.delayed(pandas_file)(path) for path in paths])
    stats = {f"retail/{path.name}": st for path, (_, st) in zip(paths, parsed, strict=True)}
    frames = [frame for frame, _ in parsed if frame is not None]
    del parsed
    ddf = dd.from_delayed([dask.delayed(f) for f in frames], meta=frames[0].iloc[:0])
    del frames
    ids = ddf[ddf["well_formed"]]["transaction_id"].fillna("\x00")
    counts = ids.value_counts().compute()
    repeated_ids = set(counts.index[counts > 1])
    rep = ddf[ddf["well_formed"] & ddf["transaction_id"].fillna("\x00").isin(repeated_ids)]
    versions = pandas_versions(pd, np, rep.compute())
    meta = pandas_classify(pd, np, ddf._meta.copy(), versions.iloc[:0], as_of)
    classified = ddf.map_partitions(
        lambda part: pandas_classify(pd, np, part, versions, as_of), meta=meta
    ).persist()
    (out / "accepted").mkdir(parents=True, exist_ok=True)

    def write_accepted(part, i: int) -> int:  # type: ignore[no-untyped-def]
        acc = part[part["row_status"] == "accepted"]
        write_arrow(pandas_accepted_table(np, acc), out / "accepted" / f"part-{i}.parquet")
        return len(acc)

    accepted_counts = dask.compute(
        *[dask.delayed(write_accepted)(p, i) for i, p in enumerate(classified.to_delayed())]
    )
    quarantined = classified[classified["row_status"] == "quarantined"].compute()
    write_arrow(pandas_quarantine_table(quarantined), out / "quarantine.parquet")
    write_arrow(
        pandas_accounting(pd, stats, status_counts(classified).compute()),
        out / "accounting.parquet",
    )
    acc = classified[classified["row_status"] == "accepted"]
    t = acc.map_partitions(
        lambda part: mart_frame(pd, np, part), meta=mart_frame(pd, np, classified._meta)
    )
    daily, daily_customers, regional, regional_customers, monthly, customers = dask.compute(
        t.groupby("day").agg(
            n=("cents", "size"), units_sold=("quantity", "sum"), revenue=("cents", "sum")
        ),
        t.groupby("day")["customer_id"].nunique(),
        t.groupby(["month", "region"]).agg(
            transaction_quarter=("quarter", "min"),
            n=("cents", "size"),
            units_sold=("quantity", "sum"),
            revenue=("cents", "sum"),
            low=("Low", "sum"),
            medium=("Medium", "sum"),
            high=("High", "sum"),
            premium=("Premium", "sum"),
        ),
        t.groupby(["month", "region"])["customer_id"].nunique(),
        t.groupby(["month", "product_category"]).agg(
            n=("cents", "size"), units_sold=("quantity", "sum"), revenue=("cents", "sum")
        ),
        t.groupby("customer_id").agg(
            first=("day", "min"),
            last=("day", "max"),
            n=("cents", "size"),
            monetary=("cents", "sum"),
        ),
    )
    daily = daily.assign(customer_count=daily_customers)
    regional = regional.assign(customer_count=regional_customers)
    # the season of a month (what min(season) over the month's rows gives)
    months = regional.index.get_level_values("month").to_numpy().astype("datetime64[D]")
    number = months.astype("datetime64[M]").astype("int64") % 12 + 1
    regional["season"] = np.select(
        [np.isin(number, [12, 1, 2]), np.isin(number, [3, 4, 5]), np.isin(number, [6, 7, 8])],
        ["winter", "spring", "summer"],
        default="autumn",
    )
    write_pandas_marts(pd, np, daily, regional, monthly, customers, out, as_of)
    return {"accepted": int(sum(accepted_counts)), "quarantined": len(quarantined)}


ENGINES = {"duckdb-sql": run_duckdb, "pandas": run_pandas, "polars": run_polars, "dask": run_dask}


def main(argv: list[str]) -> int:
    engine, raw, out = argv[0], Path(argv[1]), Path(argv[2])
    as_of = dt.date.fromisoformat(argv[3]) if len(argv) > 3 else dt.date(2024, 12, 31)
    out.mkdir(parents=True, exist_ok=True)
    summary = ENGINES[engine](raw, out, as_of)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
