"""Compare a warehouse built on another engine with the DuckDB one, table by table, row by row.

Values are compared as Python sees them after one normalisation: decimals by value (an
engine may carry more trailing zeros), floats to 9 places. Columns that hold a build's own
timestamps or invocation ids, and absolute file paths (each build names its raw folder),
are left out; everything else must be equal as a multiset of rows.
"""

from __future__ import annotations

import decimal
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

# a build's own clock and identity, not data
BUILD_COLUMNS = {
    "built_at",
    "loaded_at",
    "loaded_by_invocation_id",
    "quarantined_at",
    "dbt_scd_id",
    "dbt_updated_at",
    "dbt_valid_from",
    "dbt_valid_to",
}
# marts whose updated_at is the build's clock (the streaming models' updated_at is data)
BUILD_CLOCK_TABLES = {"marts.daily_sales", "marts.daily_top_products"}
PATH_COLUMNS = {"file_path", "filename", "file"}


def normalized(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list | tuple):
        return tuple(normalized(item) for item in value)
    return value


@dataclass
class TableDiff:
    table: str
    duckdb_rows: int
    other_rows: int
    only_duckdb: list[tuple[Any, ...]]
    only_other: list[tuple[Any, ...]]

    def __str__(self) -> str:
        return (
            f"{self.table}: {self.duckdb_rows} rows on DuckDB, {self.other_rows} on the other"
            f" engine; only on DuckDB {self.only_duckdb[:3]};"
            f" only on the other {self.only_other[:3]}"
        )


def compared_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    skip = BUILD_COLUMNS | PATH_COLUMNS
    if table in BUILD_CLOCK_TABLES:
        skip = skip | {"updated_at"}
    # lists (header columns) are compared through the text they come from (header_line)
    return [column for column, data_type in rows if column not in skip and "[]" not in data_type]


def compare_tables(
    duckdb_path: str,
    other_rows: Callable[[str], Iterable[tuple[Any, ...]]],
    tables: Iterable[str],
) -> list[TableDiff]:
    """The tables whose rows differ; other_rows(sql) runs a query on the other engine."""
    diffs = []
    con = duckdb.connect(duckdb_path, read_only=True)
    try:
        for table in tables:
            columns = compared_columns(con, table)
            assert columns, f"{table} is not in the DuckDB warehouse"
            sql = f"select {', '.join(columns)} from {table}"
            ours = Counter(tuple(normalized(v) for v in row) for row in con.execute(sql).fetchall())
            theirs = Counter(tuple(normalized(v) for v in row) for row in other_rows(sql))
            if ours != theirs:
                diffs.append(
                    TableDiff(
                        table,
                        sum(ours.values()),
                        sum(theirs.values()),
                        sorted(map(repr, ours - theirs)),
                        sorted(map(repr, theirs - ours)),
                    )
                )
    finally:
        con.close()
    return diffs
