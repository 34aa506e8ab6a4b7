"""Compare a warehouse built on another engine with the DuckDB one, table by table, row by row.

Values are compared as Python sees them after one normalisation: decimals by value (an
engine may carry more trailing zeros), floats to 9 places, lists item by item in order. A JSON
column is selected as text on both engines and compared as the JSON value it spells: white
space between tokens aside, everything counts (members in their order, a repeated key twice,
numbers by value, strings exactly). Columns that hold a build's own
timestamps or invocation ids, and absolute file paths (each build names its raw folder),
are left out; everything else must be equal as a multiset of rows. A table of builds (one
with a `built_at` column: the audit histories, the operations marts) is compared on the rows
of its latest build on each side; dbt's own log of a run (run_history, node_history: timings
and adapter messages) is not compared.
"""

from __future__ import annotations

import decimal
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
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
    "invocation_id",
}
# dbt's log of each run, not data
RUN_LOG_TABLES = {"audit.run_history", "audit.node_history"}
# a table with this column holds one set of rows per build
BUILD_TIME_COLUMN = "built_at"
# marts whose updated_at is the build's clock (the streaming models' updated_at is data)
BUILD_CLOCK_TABLES = {"marts.daily_sales", "marts.daily_top_products"}
PATH_COLUMNS = {"file_path", "filename", "file"}


def json_value(text: str | None) -> Any:
    """A JSON text as a hashable value that keeps what the text says: objects as their
    (key, value) pairs in order (duplicates kept), arrays as tuples, numbers by value."""
    if text is None:
        return None

    def members(pairs: list[tuple[str, Any]]) -> tuple[str, tuple[tuple[str, Any], ...]]:
        return ("object", tuple(pairs))

    def frozen(value: Any) -> Any:
        if isinstance(value, list):
            return ("array", tuple(frozen(item) for item in value))
        if isinstance(value, tuple) and value[:1] == ("object",):
            return ("object", tuple((key, frozen(item)) for key, item in value[1]))
        if isinstance(value, decimal.Decimal | int) and not isinstance(value, bool):
            return ("number", format(decimal.Decimal(value).normalize(), "f"))
        return value

    return frozen(json.loads(text, object_pairs_hook=members, parse_float=decimal.Decimal))


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


def compared_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """The table's compared columns with their DuckDB types."""
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    skip = BUILD_COLUMNS | PATH_COLUMNS
    if table in BUILD_CLOCK_TABLES:
        skip = skip | {"updated_at"}
    return [(column, data_type) for column, data_type in rows if column not in skip]


def is_per_build(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether a table holds a row set per build (it has the build-time column)."""
    schema, name = table.split(".")
    found = con.execute(
        "select count(*) from information_schema.columns"
        " where table_schema = ? and table_name = ? and column_name = ?",
        [schema, name, BUILD_TIME_COLUMN],
    ).fetchone()
    return bool(found and found[0])


@dataclass(frozen=True)
class ComparedTable:
    """One table as both comparisons compare it: its columns, and the conditions its rows
    are compared under (the latest build's rows of a table of builds; the caller's `where`)."""

    name: str
    columns: list[tuple[str, str]]
    per_build: bool
    where: str | None

    def select(self, relation: str, expression: Callable[[str, str], str]) -> str:
        """The query of this table's compared rows in `relation` (the table itself, or its
        copy under another name), each column as `expression` gives it."""
        sql = f"select {', '.join(expression(*column) for column in self.columns)}"
        sql += f" from {relation}"
        conditions = [self.where] if self.where else []
        if self.per_build:
            column = BUILD_TIME_COLUMN
            conditions.append(f"{column} = (select max({column}) from {relation})")
        if conditions:
            sql += " where " + " and ".join(f"({condition})" for condition in conditions)
        return sql


def compared_tables(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], where: Mapping[str, str] | None
) -> Iterator[ComparedTable]:
    """The tables to compare, as the DuckDB warehouse `con` holds them: the run logs (rows
    per run, never equal across engines) left out; a table missing from DuckDB is an error."""
    for table in tables:
        if table in RUN_LOG_TABLES:
            continue
        columns = compared_columns(con, table)
        assert columns, f"{table} is not in the DuckDB warehouse"
        yield ComparedTable(table, columns, is_per_build(con, table), (where or {}).get(table))


def selected(column: str, data_type: str) -> str:
    """A column as the comparison selects it: JSON as its text (the same SQL on both
    engines; a driver would otherwise hand back parsed objects)."""
    return f"cast({column} as text) as {column}" if data_type == "JSON" else column


def row_key(row: Iterable[Any], columns: list[tuple[str, str]]) -> tuple[Any, ...]:
    return tuple(
        json_value(value) if data_type == "JSON" else normalized(value)
        for value, (_, data_type) in zip(row, columns, strict=True)
    )


def compare_tables(
    duckdb_path: str,
    other_rows: Callable[[str], Iterable[tuple[Any, ...]]],
    tables: Iterable[str],
    where: Mapping[str, str] | None = None,
) -> list[TableDiff]:
    """The tables whose rows differ; other_rows(sql) runs a query on the other engine.
    `where` gives a table a condition its rows are compared under, on both engines."""
    diffs = []
    con = duckdb.connect(duckdb_path, read_only=True)
    try:
        for table in compared_tables(con, tables, where):
            sql = table.select(table.name, selected)
            columns = table.columns
            ours = Counter(row_key(row, columns) for row in con.execute(sql).fetchall())
            theirs = Counter(row_key(row, columns) for row in other_rows(sql))
            if ours != theirs:
                diffs.append(
                    TableDiff(
                        table.name,
                        sum(ours.values()),
                        sum(theirs.values()),
                        sorted(map(repr, ours - theirs)),
                        sorted(map(repr, theirs - ours)),
                    )
                )
    finally:
        con.close()
    return diffs


def spark_tables(spark_dir: Path, schemas: Iterable[str]) -> list[str]:
    """The tables a Spark build wrote in these schemas (views have no files), as schema.name:
    Spark's warehouse holds a table as parquet files in tables/<schema>.db/<table>/."""
    wanted = set(schemas)
    return sorted(
        f"{folder.name.removesuffix('.db')}.{table.name}"
        for folder in (spark_dir / "tables").glob("*.db")
        if folder.name.removesuffix(".db") in wanted
        for table in folder.iterdir()
        if any(table.glob("*.parquet"))
    )


def spark_connection(spark_dir: Path, tables: Iterable[str]) -> duckdb.DuckDBPyConnection:
    """DuckDB in memory with a view per Spark table over its parquet files, so that Spark's
    build is compared without a second JVM. Spark writes its timestamps (session time zone
    UTC) as instants, which DuckDB reads as TIMESTAMPTZ: the views give them as the UTC wall
    time, the TIMESTAMP the DuckDB warehouse holds."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for table in tables:
        schema, name = table.split(".")
        files = f"{spark_dir / 'tables' / f'{schema}.db' / name}/*.parquet"
        con.execute(f"create schema if not exists {schema}")
        described = con.execute(f"describe select * from read_parquet('{files}')").fetchall()
        columns = [
            f"cast({column} as timestamp) as {column}"
            if data_type == "TIMESTAMP WITH TIME ZONE"
            else column
            for column, data_type, *_ in described
        ]
        con.execute(
            f"create view {table} as select {', '.join(columns)} from read_parquet('{files}')"
        )
    return con


def compare_tables_in_duckdb(
    duckdb_path: str,
    con: duckdb.DuckDBPyConnection,
    tables: Iterable[str],
    where: Mapping[str, str] | None = None,
) -> list[TableDiff]:
    """compare_tables without holding the rows in Python, for tables of millions of rows: the
    other engine's tables are views in the DuckDB connection `con` (spark_connection), the
    DuckDB warehouse is attached to it read-only, and each table is compared there with
    `except all` both ways. The same columns and conditions as compare_tables; decimals
    compare by value (DuckDB casts both sides to one decimal type), floats rounded to 9
    places, JSON as its text (not parsed: white space counts here)."""
    diffs = []
    warehouse = duckdb.connect(duckdb_path, read_only=True)
    con.execute(f"attach '{duckdb_path}' as compared_warehouse (read_only)")
    try:
        for table in compared_tables(warehouse, tables, where):
            ours = table.select(f"compared_warehouse.{table.name}", compared_expression)
            theirs = table.select(table.name, compared_expression)

            def count(sql: str) -> int:
                return con.execute(f"select count(*) from ({sql})").fetchone()[0]  # type: ignore[index]

            only_ours = f"({ours}) except all ({theirs})"
            only_theirs = f"({theirs}) except all ({ours})"
            if count(only_ours) or count(only_theirs):
                diffs.append(
                    TableDiff(
                        table.name,
                        count(ours),
                        count(theirs),
                        [repr(row) for row in con.execute(f"{only_ours} limit 3").fetchall()],
                        [repr(row) for row in con.execute(f"{only_theirs} limit 3").fetchall()],
                    )
                )
    finally:
        con.execute("detach compared_warehouse")
        warehouse.close()
    return diffs


def compared_expression(column: str, data_type: str) -> str:
    """A column as compare_tables_in_duckdb compares it (compare_tables' normalisation in SQL)."""
    if data_type == "JSON":
        return f"cast({column} as text) as {column}"
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return f"round({column}, 9) as {column}"
    return column
