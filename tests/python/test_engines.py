"""The comparison of another engine's warehouse with DuckDB's (tests/python/engines.py): its
two forms, rows in Python (compare_tables) and `except all` inside DuckDB
(compare_tables_in_duckdb, for millions of rows), agree on equal and on differing tables."""

from __future__ import annotations

from pathlib import Path

import duckdb

from engines import compare_tables, compare_tables_in_duckdb

ROWS = """
    (1, 'a', 1.50::decimal(18, 2), 0.1::double + 0.2, ['x', 'y'], timestamp '2024-01-01 10:00'),
    (2, 'b', 2.00::decimal(18, 2), 1.0::double, [], timestamp '2024-01-02 10:00'),
    (2, 'b', 2.00::decimal(18, 2), 1.0::double, [], timestamp '2024-01-02 10:00')
"""
COLUMNS = "(id, name, amount, ratio, tags, sold_at)"


def warehouse(path: Path) -> str:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.same as select * from (values {ROWS}) as t {COLUMNS}")
    con.execute(f"create table marts.other as select * from (values {ROWS}) as t {COLUMNS}")
    con.close()
    return str(path)


def other_engine(change: str | None) -> duckdb.DuckDBPyConnection:
    """Another engine's tables as views in DuckDB, as spark_connection gives them: the same
    rows with more decimal places and a float that differs past the 9th, and `change` applied
    to marts.other."""
    con = duckdb.connect()
    con.execute("create schema marts")
    rows = ROWS.replace("decimal(18, 2)", "decimal(38, 10)").replace("0.1 + 0.2", "0.3")
    for table in ("same", "other"):
        con.execute(f"create table marts.{table} as select * from (values {rows}) as t {COLUMNS}")
    if change:
        con.execute(change)
    return con


def rows_of(con: duckdb.DuckDBPyConnection):  # type: ignore[no-untyped-def]
    """compare_tables' other_rows: a query's rows on the other engine."""
    return lambda sql: con.execute(sql).fetchall()


def both(path: str, con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], list[tuple]]:
    tables = ["marts.same", "marts.other"]
    in_python = compare_tables(path, rows_of(con), tables)
    in_duckdb = compare_tables_in_duckdb(path, con, tables)
    return (
        [(d.table, d.duckdb_rows, d.other_rows) for d in in_python],
        [(d.table, d.duckdb_rows, d.other_rows) for d in in_duckdb],
    )


def test_equal_tables_have_no_difference(tmp_path: Path) -> None:
    path = warehouse(tmp_path / "w.duckdb")
    assert both(path, other_engine(None)) == ([], [])


def test_a_changed_value_a_lost_copy_and_an_extra_row_are_differences(tmp_path: Path) -> None:
    path = warehouse(tmp_path / "w.duckdb")
    for change, rows in [
        ("update marts.other set amount = 1.51 where id = 1", 3),
        ("update marts.other set ratio = 0.3001 where id = 1", 3),
        (
            "delete from marts.other where rowid = (select max(rowid) from marts.other)",
            2,
        ),
        ("delete from marts.other where id = 2", 1),
        ("insert into marts.other select * from marts.other where id = 1", 4),
        ("update marts.other set tags = ['y', 'x'] where id = 1", 3),
        ("update marts.other set sold_at = sold_at + interval 1 second where id = 1", 3),
    ]:
        in_python, in_duckdb = both(path, other_engine(change))
        assert in_python == in_duckdb == [("marts.other", 3, rows)], change


def test_only_the_latest_build_of_a_table_of_builds_is_compared(tmp_path: Path) -> None:
    """A table with built_at holds one set of rows per build: an older build that differs
    does not count, the latest one on each side does."""
    path = str(tmp_path / "w.duckdb")
    builds = "(1, timestamp '2024-01-01'), (2, timestamp '2024-01-02')"
    con = duckdb.connect(path)
    con.execute("create schema audit")
    con.execute(f"create table audit.history as select * from (values {builds}) t (n, built_at)")
    con.close()
    for change, differs in [
        ("update audit.history set n = 9 where n = 1", False),
        ("update audit.history set n = 9 where n = 2", True),
    ]:
        other = duckdb.connect()
        other.execute("create schema audit")
        other.execute(
            f"create table audit.history as select * from (values {builds}) t (n, built_at)"
        )
        other.execute(change)
        in_python = compare_tables(path, rows_of(other), ["audit.history"])
        in_duckdb = compare_tables_in_duckdb(path, other, ["audit.history"])
        assert [d.table for d in in_python] == [d.table for d in in_duckdb], change
        assert bool(in_duckdb) == differs, change
