"""Synthetic bank transactions in the shape of Kaggle's "Bank Customer Segmentation" data.

The heavy lifting is one DuckDB query per file: every value is drawn from
``hash(row, seed, 'field')`` rather than ``random()``, so a given (rows, seed, files,
defect_rate) always gives byte-identical files, and 10 million rows take well under a minute.
Each output line is built as one string in SQL and written with ``COPY ... (QUOTE '')``, so
the generator controls quoting itself (needed to write deliberately malformed rows), and byte
order marks and CRLF line endings cost nothing extra at any size.

Rows and defects
----------------
``rows`` lines are written in total (the header lines excluded). They are made of *base* rows,
each with a unique ``TransactionID`` (``T`` + its 1-based number) and at most one single-row
defect, plus a few *extra* rows, each a copy of an earlier clean base row (its *original*):

* ``exact_duplicate``: a byte-identical copy of the original's line, placed after it in the
  same file or in a later file (so its TransactionDate lies in the original's month);
* ``conflicting_duplicate``: the original's line with a different amount, placed after it in
  the same file or in a later file. The project quarantines both versions.

Every row carries at most one defect, so the manifest's counts are exact. The defect kinds and
what the project does with them are listed in :data:`ACCEPTED_KINDS`,
:data:`QUARANTINED_KINDS` and :data:`DUPLICATE_KINDS`. The quarantined kinds are named after
the project's quarantine reasons.
"""

from __future__ import annotations

import calendar
import json
import random
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

HEADER = (
    "TransactionID,CustomerID,CustomerDOB,CustGender,CustLocation,CustAccountBalance,"
    "TransactionDate,TransactionTime,TransactionAmount (INR)"
)

#: Defects the project accepts (the row is valid, only messy).
ACCEPTED_KINDS: tuple[str, ...] = (
    "dob_blank",  # CustomerDOB empty
    "dob_placeholder",  # CustomerDOB 1/1/1800
    "gender_blank",  # CustGender empty
    "gender_lowercase",  # CustGender m / f / t
    "location_messy",  # city padded with spaces and/or in lower or mixed case
    "location_quoted_comma",  # "MUMBAI, INDIA" as a properly quoted field
    "balance_blank",  # CustAccountBalance empty
)
#: Defects the project quarantines; each kind is named after its quarantine reason.
QUARANTINED_KINDS: tuple[str, ...] = (
    "malformed_row",  # one field too many or too few, or broken quoting
    "missing_transaction_id",  # TransactionID empty or only spaces
    "missing_customer_id",  # CustomerID empty or only spaces
    "missing_location",  # CustLocation empty or only spaces
    "invalid_amount",  # abc, empty, "1,000", 12.345, 1e3
    "non_positive_amount",  # 0, 0.0, negative
    "invalid_transaction_date",  # 31/2/16, 2016-08-02, empty, 13/13/16, 29/2/17, 0/8/16
    "invalid_transaction_time",  # 250000, 12a, empty, 1234567, 126000, 235960
)
#: Extra rows that copy an earlier clean row.
DUPLICATE_KINDS: tuple[str, ...] = ("exact_duplicate", "conflicting_duplicate")
#: Every defect kind, in manifest order.
DEFECT_KINDS: tuple[str, ...] = ACCEPTED_KINDS + QUARANTINED_KINDS + DUPLICATE_KINDS
_SINGLE_ROW_KINDS: tuple[str, ...] = ACCEPTED_KINDS + QUARANTINED_KINDS

#: Home cities, most frequent first (a customer's city is drawn with a skew towards the top).
CITIES: tuple[str, ...] = (
    "MUMBAI",
    "NEW DELHI",
    "BANGALORE",
    "GURGAON",
    "DELHI",
    "NOIDA",
    "CHENNAI",
    "PUNE",
    "HYDERABAD",
    "THANE",
    "KOLKATA",
    "NAVI MUMBAI",
    "AHMEDABAD",
    "JAIPUR",
    "CHANDIGARH",
    "LUCKNOW",
    "GHAZIABAD",
    "FARIDABAD",
    "INDORE",
    "SURAT",
    "NAGPUR",
    "VADODARA",
    "KOCHI",
    "BHOPAL",
    "LUDHIANA",
    "PATNA",
    "COIMBATORE",
    "VISAKHAPATNAM",
    "MOHALI",
    "DEHRADUN",
)

FIRST_MONTH = (2016, 8)  # the first file is bank/2016_08.csv

# The committed sample (`generate-data sample`): small, every defect kind several times.
SAMPLE_ROWS = 300
SAMPLE_SEED = 20160801
SAMPLE_FILES = 3
SAMPLE_DEFECT_RATE = 0.5
SAMPLE_BOM_CRLF_FILES = frozenset({1})

# An exact or conflicting copy in the same file lands at most this many rows after its original.
_SAME_FILE_WINDOW = 1000
# Share of copies placed in a later file (when there is one).
_LATER_FILE_SHARE = 1 / 3


@dataclass
class BankFileManifest:
    """What was written to one file.

    ``defects`` holds, for every kind in :data:`DEFECT_KINDS`, the number of rows of that kind
    written to this file (zeros included). ``conflict_originals`` is the number of clean rows in
    this file whose TransactionID a ``conflicting_duplicate`` row reuses (the project
    quarantines them too); ``duplicated_originals`` the number copied by an ``exact_duplicate``.
    """

    name: str  # relative to the raw folder, e.g. "bank/2016_08.csv"
    month: str  # the month its transaction dates fall in, "2016-08"
    rows: int  # data lines written (header excluded)
    bom: bool
    crlf: bool
    defects: dict[str, int]
    conflict_originals: int
    duplicated_originals: int
    seconds: float = field(default=0.0, compare=False)

    @property
    def clean_rows(self) -> int:
        """Rows written without any defect."""
        return self.rows - sum(self.defects.values())

    def expected_reasons(self) -> dict[str, int]:
        """Quarantine reason -> row count the project must report for this file (zeros left out)."""
        reasons = {kind: self.defects[kind] for kind in QUARANTINED_KINDS}
        reasons["conflicting_duplicate"] = (
            self.defects["conflicting_duplicate"] + self.conflict_originals
        )
        return {reason: n for reason, n in reasons.items() if n}

    def expected_accounting(self) -> tuple[int, int, int, int]:
        """(rows_read, rows_accepted, rows_duplicate, rows_quarantined) for this file."""
        duplicates = self.defects["exact_duplicate"]
        quarantined = sum(self.expected_reasons().values())
        return (self.rows, self.rows - duplicates - quarantined, duplicates, quarantined)


@dataclass
class BankManifest:
    """What :func:`generate_bank` wrote: its parameters and one entry per file."""

    rows: int
    seed: int
    defect_rate: float
    files: list[BankFileManifest]

    @property
    def defects(self) -> dict[str, int]:
        """Defect kind -> rows of that kind over all files."""
        return {kind: sum(f.defects[kind] for f in self.files) for kind in DEFECT_KINDS}

    def expected_reason_counts(self) -> dict[tuple[str, str], int]:
        """(source_file, reason) -> quarantined rows, as the project must report them."""
        return {
            (f.name, reason): n for f in self.files for reason, n in f.expected_reasons().items()
        }

    def expected_accounting(self) -> dict[str, tuple[int, int, int, int]]:
        """source_file -> (rows_read, rows_accepted, rows_duplicate, rows_quarantined)."""
        return {f.name: f.expected_accounting() for f in self.files}

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (the ``--manifest`` file)."""
        return {"source": "bank", **asdict(self), "totals": self.defects}

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class _Layout:
    """How the ``rows`` lines split into base rows, extras and files."""

    rows: int
    files: int
    base: int  # base rows, numbered 0 .. base-1 (TransactionID T<j+1>)
    stride: int  # base rows j with j % stride == stride - 1 ...
    extras: int  # ... and j // stride < extras are originals of one extra row each

    def file_bounds(self, f: int) -> tuple[int, int]:
        return (f * self.base // self.files, (f + 1) * self.base // self.files)

    def file_of(self, j: int) -> int:
        return ((j + 1) * self.files - 1) // self.base


def _layout(rows: int, files: int, defect_rate: float) -> _Layout:
    extra_rate = defect_rate * len(DUPLICATE_KINDS) / len(DEFECT_KINDS)
    if extra_rate <= 0 or rows < 2:
        return _Layout(rows, files, rows, 1, 0)
    stride = max(2, round(1 / extra_rate))
    base = rows * stride // (stride + 1)
    while base + base // stride < rows:
        base += 1
    return _Layout(rows, files, base, stride, rows - base)


def _month(f: int) -> tuple[int, int]:
    year, month = FIRST_MONTH
    index = year * 12 + month - 1 + f
    return index // 12, index % 12 + 1


def _sql_list(values: Iterable[object]) -> str:
    def literal(v: object) -> str:
        return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"

    return "[" + ", ".join(literal(v) for v in values) + "]"


def _extras(layout: _Layout, seed: int) -> list[tuple[int, str, int, int, int]]:
    """The extra rows: (original j, role, original's file, file written to, position).

    An extra is written in its file just after the base row numbered ``position`` (or first in
    the file when ``position`` precedes the file's first base row). Even-numbered extras are
    exact duplicates, odd-numbered ones conflicting duplicates.
    """
    rng = random.Random(f"bank-extras-{seed}")
    extras = []
    for e in range(layout.extras):
        j = e * layout.stride + layout.stride - 1
        role = "exact_duplicate" if e % 2 == 0 else "conflicting_duplicate"
        src_file = layout.file_of(j)
        if src_file < layout.files - 1 and rng.random() < _LATER_FILE_SHARE:
            file = rng.randint(src_file + 1, layout.files - 1)
            lo, hi = layout.file_bounds(file)
            position = rng.randint(lo - 1, max(lo, hi) - 1)
        else:
            file = src_file
            _, hi = layout.file_bounds(file)
            position = rng.randint(j, min(hi - 1, j + _SAME_FILE_WINDOW))
        extras.append((j, role, src_file, file, position))
    return extras


@dataclass(frozen=True)
class _DefectPlan:
    """Which base rows carry a single-row defect, and which kind.

    Base rows are cut into consecutive slots of about 1 / rate rows (slot ``k`` holds the rows
    ``j`` with ``j * per_million // 1e6 == k``); one hash-chosen row of each slot carries a
    defect (the next row of the slot instead, should that one be an original of an extra). The
    ``k``-th defect gets kind ``permutations[c][k % n]`` for a hash-chosen permutation ``c`` of
    cycle ``k // n``, so every run of n defects holds each of the n kinds exactly once.
    """

    per_million: int
    permutations: list[list[int]]


def _defect_plan(layout: _Layout, defect_rate: float, seed: int) -> _DefectPlan:
    single_rate = defect_rate * len(_SINGLE_ROW_KINDS) / len(DEFECT_KINDS)
    per_million = round(single_rate * layout.rows / max(layout.base, 1) * 1_000_000)
    rng = random.Random(f"bank-kinds-{seed}")
    permutations = [
        rng.sample(range(len(_SINGLE_ROW_KINDS)), len(_SINGLE_ROW_KINDS)) for _ in range(97)
    ]
    return _DefectPlan(min(per_million, 1_000_000), permutations)


def _spine_sql(layout: _Layout, f: int) -> str:
    """A table of the rows of file ``f``: its base rows, then the extras written to it.

    Materialized as a table (rather than read from ``range()``) so that DuckDB scans it with
    all its threads.
    """
    lo, hi = layout.file_bounds(f)
    return f"""
create or replace temp table bank_spine as
select j, j as pos, 0 as sub, 'base' as role, {f} as src_file
from range({lo}, {hi}) as t (j)
union all
select j, pos, 1 as sub, role, src_file from bank_extras where file = {f}
"""


def _file_sql(layout: _Layout, seed: int, f: int, plan: _DefectPlan, eol: str) -> str:
    """The CTEs producing file ``f``'s rows from ``bank_spine`` (ends with ``lines``: pos,
    sub, j, kind, line; one row per data line, ``order by pos, sub, j`` is the file's order)."""
    months = [_month(i) for i in range(layout.files)]
    month_part = _sql_list(f"/{m}/{y % 100:02d}" for y, m in months)
    iso_part = _sql_list(f"{y}-{m:02d}-" for y, m in months)
    days = _sql_list(calendar.monthrange(y, m)[1] for y, m in months)
    cities = _sql_list(CITIES)
    cities_mixed = _sql_list(c.title() for c in CITIES)
    n_customers = max(1, layout.base // 3)
    s = seed

    def h(expr: str, tag: str, modulus: int | str) -> str:
        """A deterministic pseudo-random BIGINT in [0, modulus) for (expr, seed, tag)."""
        # the modulus is cast to UBIGINT like hash(): UBIGINT % BIGINT would be HUGEINT, slow
        return f"(hash({expr}, {s}::bigint, '{tag}') % ({modulus})::ubigint)::bigint"

    per_million = plan.per_million
    if per_million:
        defect_row = """
            slot_start + case
                when is_original(slot_start + slot_offset) and slot_len > 1
                    then (slot_offset + 1) % slot_len
                else slot_offset
            end"""
    else:
        defect_row = "-1"
    kinds = _sql_list(_SINGLE_ROW_KINDS)
    permutations = "[" + ", ".join(str([i + 1 for i in p]) for p in plan.permutations) + "]"
    n_kinds = len(_SINGLE_ROW_KINDS)
    return f"""
with drawn as (
    select
        *,
        {h("j", "customer", n_customers)} as c,
        (j * {per_million}) // 1000000 as slot,
        {h("j", "variant", "1000")} as v,
        {h("j", "amount_band", "100")} as amount_band,
        {h("j", "amount_cents", "10")} as cents_kind,
        {h("j", "time", "86400")} as secs
    from bank_spine
),

slotted as (
    select
        *,
        (slot * 1000000 + {per_million or 1} - 1) // {per_million or 1} as slot_start,
        ((slot + 1) * 1000000 + {per_million or 1} - 1) // {per_million or 1} as slot_end
    from drawn
),

slot_chosen as (
    select
        *,
        {h("slot", "slot", "(slot_end - slot_start)")} as slot_offset,
        slot_end - slot_start as slot_len,
        {h("slot // " + str(n_kinds), "cycle", len(plan.permutations))} + 1 as cycle_no
    from slotted
),

customer as (
    select
        *,
        'C' || (10000000 + (c * 7919 + 104729) % 90000000) as customer_id,
        case
            when {h("c", "dob_era", "100")} < 94
                then date '1940-01-01' + ({h("c", "dob", "21915")})::integer
            else date '2000-01-01' + ({h("c", "dob", "2192")})::integer
        end as dob_date,
        {h("c", "gender", "1000")} as g,
        ([1000, 10000, 100000, 1000000, 10000000, 100000000])[
            {h("c", "balance_band", "6")} + 1
        ] as balance_ceiling,
        floor(30 * power(({h("c", "city", "1000000")}) / 1000000.0, 2))::integer + 1 as city_no
    from slot_chosen
),

customer_balance as (
    select
        *,
        {h("c", "balance", "balance_ceiling")} + {h("j", "balance", "100000")} as balance_cents
    from customer
),

valued as (
    select
        *,
        ([10, 100, 1000, 10000, 100000])[
            case when amount_band < 15 then 1 when amount_band < 55 then 2
                when amount_band < 85 then 3 when amount_band < 97 then 4 else 5 end
        ] as amount_floor,
        1 + {h("j", "day", f"({days})[src_file + 1]")} as tx_day
    from customer_balance
),

clean as (
    select
        pos, sub, j, role, v,
        case
            when j = {defect_row}
                then ({kinds})[({permutations})[cycle_no][slot % {n_kinds} + 1]]
            else 'none'
        end as drawn_kind,
        'T' || (j + 1) as tid,
        customer_id,
        strftime(dob_date, '%-d/%-m/%y') as dob,
        case when g < 3 then 'T' when g < 700 then 'M' else 'F' end as gender,
        ({cities})[city_no] as city,
        ({cities_mixed})[city_no] as city_mixed,
        (balance_cents // 100) || '.' || lpad((balance_cents % 100)::varchar, 2, '0') as balance,
        tx_day || ({month_part})[src_file + 1] as tx_date,
        ({iso_part})[src_file + 1] || lpad(tx_day::varchar, 2, '0') as tx_date_iso,
        ((secs // 3600) * 10000 + (secs % 3600 // 60) * 100 + secs % 60)::varchar as tx_time,
        amount_floor + {h("j", "amount", "(amount_floor * 9)")} as amount_whole,
        case when cents_kind < 6 then 0 when cents_kind < 8 then 50
            else {h("j", "cents", "100")} end as amount_cents,
        1 + {h("j", "conflict", "500")} as conflict_delta
    from valued
),

kinded as (
    select
        *,
        case
            when role <> 'base' then role
            when is_original(j) then 'none'
            else drawn_kind
        end as kind,
        format_amount(amount_whole, amount_cents) as amount
    from clean
),

fields as (
    select
        pos, sub, j, v, kind,
        tid, customer_id, dob, gender, city, balance, tx_date, tx_time, amount,
        case kind when 'missing_transaction_id' then (['', ' ', '   '])[v % 3 + 1]
            else tid end as f_tid,
        case kind when 'missing_customer_id' then (['', '  '])[v % 2 + 1]
            else customer_id end as f_customer,
        case kind when 'dob_blank' then '' when 'dob_placeholder' then '1/1/1800'
            else dob end as f_dob,
        case kind when 'gender_blank' then '' when 'gender_lowercase' then lower(gender)
            else gender end as f_gender,
        case kind
            when 'location_messy' then ([
                '  ' || lower(city) || ' ', city_mixed, ' ' || city || '  ', lower(city),
                '   ' || city_mixed
            ])[v % 5 + 1]
            when 'location_quoted_comma' then '"' || city || ', INDIA"'
            when 'missing_location' then (['', ' ', '    '])[v % 3 + 1]
            else city
        end as f_location,
        case kind when 'balance_blank' then '' else balance end as f_balance,
        case kind
            when 'invalid_transaction_date' then ([
                '31/2/16', tx_date_iso, '', '13/13/16', '29/2/17', '0/8/16'
            ])[v % 6 + 1]
            else tx_date
        end as f_date,
        case kind
            when 'invalid_transaction_time' then ([
                '250000', '12a', '', '1234567', '126000', '235960'
            ])[v % 6 + 1]
            else tx_time
        end as f_time,
        case kind
            when 'invalid_amount' then (['abc', '', '"1,000"', '12.345', '1e3'])[v % 5 + 1]
            when 'non_positive_amount' then (['0', '0.0', '-' || amount])[v % 3 + 1]
            when 'conflicting_duplicate'
                then format_amount(amount_whole + conflict_delta, amount_cents)
            else amount
        end as f_amount
    from kinded
),

lines as (
    select
        pos, sub, j, kind,
        case
            when kind = 'malformed_row' then ([
                concat_ws(',', tid, customer_id, dob, gender, city || ', INDIA', balance,
                    tx_date, tx_time, amount),
                concat_ws(',', tid, customer_id, dob, gender, city, tx_date, tx_time, amount),
                concat_ws(',', tid, customer_id, dob, gender, city, balance, tx_date, tx_time,
                    amount, ''),
                concat_ws(',', tid, customer_id, dob, gender,
                    '"' || left(city, 1) || '"x' || substr(city, 2), balance, tx_date, tx_time,
                    amount),
                concat_ws(',', tid, customer_id, dob, gender,
                    left(city, 2) || '"' || substr(city, 3), balance, tx_date, tx_time, amount)
            ])[v % 5 + 1]
            else concat_ws(',', f_tid, f_customer, f_dob, f_gender, f_location, f_balance,
                f_date, f_time, f_amount)
        end || '{eol}' as line
    from fields
)
"""


_MACROS = """
create or replace temp macro format_amount(whole, cents) as
    whole::varchar || '.' || case
        when cents = 0 then '0'
        when cents % 10 = 0 then (cents // 10)::varchar
        else lpad(cents::varchar, 2, '0')
    end
"""


def file_name(f: int) -> str:
    """The name of file number ``f`` (0-based) relative to the raw folder."""
    year, month = _month(f)
    return f"bank/{year}_{month:02d}.csv"


def generate_bank(
    out_dir: Path,
    rows: int,
    seed: int,
    files: int = 3,
    crlf: bool = False,
    bom: bool = False,
    defect_rate: float = 0.03,
    bom_crlf_files: set[int] | frozenset[int] | None = None,
    threads: int | None = None,
    progress: bool = False,
) -> BankManifest:
    """Write ``files`` bank CSV files with ``rows`` data lines in total into ``out_dir/bank/``.

    Files are named by month from August 2016 (``2016_08.csv``, ``2016_09.csv``, ...); a base
    row's TransactionDate falls inside its file's month. Output is a pure function of
    (rows, seed, files, defect_rate, crlf, bom, bom_crlf_files): same arguments, same bytes.

    ``defect_rate`` is the share of rows carrying a defect (0 to 1), spread evenly over the
    :data:`DEFECT_KINDS`. ``crlf``/``bom`` apply CRLF line endings / a UTF-8 byte-order mark
    to every file; ``bom_crlf_files`` (0-based file numbers) applies both to those files only.
    Both work at any size (each line is built in SQL). ``threads`` caps DuckDB's threads;
    ``progress`` prints one line per file (rows, seconds).

    Existing files with the same names are overwritten; other files in ``out_dir/bank/`` are
    left alone. Returns the manifest of what was written.
    """
    if rows < 0 or files < 1:
        raise ValueError("rows must be >= 0 and files >= 1")
    if not 0 <= defect_rate <= 1:
        raise ValueError("defect_rate must be between 0 and 1")
    bom_crlf_files = set(bom_crlf_files or ())
    layout = _layout(rows, files, defect_rate)
    extras = _extras(layout, seed)
    plan = _defect_plan(layout, defect_rate, seed)
    bank_dir = Path(out_dir) / "bank"
    bank_dir.mkdir(parents=True, exist_ok=True)

    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        con.execute(_MACROS)
        stride, extras_n = layout.stride, layout.extras
        con.execute(
            "create or replace temp macro is_original(x) as "
            + (
                f"(x % {stride} = {stride - 1} and x // {stride} < {extras_n})"
                if extras_n
                else "false"
            )
        )
        con.execute(
            "create temp table bank_extras as select unnest($j) as j, unnest($role) as role, "
            "unnest($src_file) as src_file, unnest($file) as file, unnest($pos) as pos",
            {
                "j": [e[0] for e in extras] or [0],
                "role": [e[1] for e in extras] or [""],
                "src_file": [e[2] for e in extras] or [0],
                "file": [e[3] for e in extras] or [-1],
                "pos": [e[4] for e in extras] or [0],
            },
        )
        manifests = []
        for f in range(files):
            start = time.perf_counter()
            file_crlf = crlf or f in bom_crlf_files
            file_bom = bom or f in bom_crlf_files
            eol = "\r" if file_crlf else ""  # COPY adds the \n
            header = ("\ufeff" if file_bom else "") + HEADER + eol
            path = bank_dir / Path(file_name(f)).name
            con.execute(_spine_sql(layout, f))
            body = _file_sql(layout, seed, f, plan, eol)
            con.execute(
                f"""copy (
                    {body}
                    select line from (
                        select -1 as pos, 0 as sub, -1 as j, $header as line
                        union all
                        select pos, sub, j, line from lines
                    )
                    order by pos, sub, j
                ) to '{path.as_posix().replace("'", "''")}' (header false, quote '', escape '')""",
                {"header": header},
            )
            counts = dict(
                con.execute(f"{body} select kind, count(*) from kinded group by kind").fetchall()
            )
            n_rows = sum(counts.values())
            defects = {kind: counts.get(kind, 0) for kind in DEFECT_KINDS}
            year, month = _month(f)
            manifests.append(
                BankFileManifest(
                    name=file_name(f),
                    month=f"{year}-{month:02d}",
                    rows=n_rows,
                    bom=file_bom,
                    crlf=file_crlf,
                    defects=defects,
                    conflict_originals=sum(
                        1 for e in extras if e[2] == f and e[1] == "conflicting_duplicate"
                    ),
                    duplicated_originals=sum(
                        1 for e in extras if e[2] == f and e[1] == "exact_duplicate"
                    ),
                    seconds=round(time.perf_counter() - start, 3),
                )
            )
            if progress:
                m = manifests[-1]
                print(f"{m.name}: {m.rows:,} rows in {m.seconds:.2f} s", flush=True)
    finally:
        con.close()
    return BankManifest(rows=rows, seed=seed, defect_rate=defect_rate, files=manifests)


def generate_bank_sample(out_dir: Path, progress: bool = False) -> BankManifest:
    """Write the committed sample: 300 rows in 3 files, the second with a BOM and CRLF."""
    return generate_bank(
        out_dir,
        rows=SAMPLE_ROWS,
        seed=SAMPLE_SEED,
        files=SAMPLE_FILES,
        defect_rate=SAMPLE_DEFECT_RATE,
        bom_crlf_files=SAMPLE_BOM_CRLF_FILES,
        progress=progress,
    )
