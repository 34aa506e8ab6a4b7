"""How the dashboard reads the warehouse (analytics.dashboard.warehouse), on small hand-made
DuckDB files: a fresh read-only connection per query that holds nothing afterwards, a new
version when a file is renamed over the path, and a plain message when another process holds
the file for writing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analytics.dashboard.warehouse import Warehouse, WarehouseUnavailable
from analytics.reports.queries import Query


def warehouse_file(path: Path, value: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.t as select ? as v", [value])
    return path


def test_each_query_opens_the_current_file_and_leaves_it_free(tmp_path: Path) -> None:
    published = warehouse_file(tmp_path / "analytics.duckdb", 1)
    warehouse = Warehouse(published)
    first = warehouse.version()
    assert warehouse.fetch(Query("select v from marts.t")).rows == [(1,)]
    # nothing is held: a writer can open the file at once
    with duckdb.connect(str(published)) as writer:
        writer.execute("select 1").fetchall()
    # a build publishes by renaming a finished copy over the path
    os.replace(warehouse_file(tmp_path / "new.duckdb", 2), published)
    assert warehouse.version() != first
    assert warehouse.fetch(Query("select v from marts.t where v > ?", (1,))).rows == [(2,)]


def test_a_missing_file_or_a_writer_holding_it_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(WarehouseUnavailable, match="run `make build` first"):
        Warehouse(tmp_path / "none.duckdb").fetch(Query("select 1"))
    published = warehouse_file(tmp_path / "analytics.duckdb", 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " sys.stdin.read()",
            str(published),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseUnavailable, match="plain `dbt build`"):
            Warehouse(published).fetch(Query("select v from marts.t"))
    finally:
        holder.communicate("", timeout=30)
    assert Warehouse(published).fetch(Query("select v from marts.t")).rows == [(1,)]
