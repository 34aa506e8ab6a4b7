"""The Spark reader: the raw files cut into the same raw tables the PostgreSQL loader writes.

One mechanism for both engines: the tables are the sources that declare `meta.load` in their
sources YAML, and their rows come from `analytics.postgres.load.table_rows` (the CSV cutter
of `analytics.postgres.csv_lines`, the file lists, the whole JSON texts). PostgreSQL receives
them with COPY; for Spark they are written as one parquet file per table under
SPARK_RAW_DIR/<schema>/<table>/, which the `spark` target's on-run-start hook
(`spark__engine_functions_setup`, macros/cross_db/engine_functions.sql) declares as the
external tables `<schema>.<table>`. Writing parquet needs no JVM, so the load adds no Spark
start-up. A file that is not UTF-8 stops the load, naming the file. Unlike PostgreSQL, a NUL
byte is kept as it is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analytics.postgres.load import LoadedTable, declared_tables, table_rows


def default_raw_dir() -> str:
    """Where the `spark` target's hook looks for the raw tables: SPARK_RAW_DIR, else
    SPARK_DIR/raw (SPARK_DIR defaults to warehouse/spark, as in profiles.yml)."""
    spark_dir = os.environ.get("SPARK_DIR", "warehouse/spark")
    return os.environ.get("SPARK_RAW_DIR", f"{spark_dir}/raw")


SCHEMAS = {
    "file_list": pa.schema([("file", pa.string())]),
    "csv_records": pa.schema(
        [
            ("filename", pa.string()),
            ("scan_position", pa.int64()),
            ("line_count", pa.int64()),
            ("raw_line", pa.string()),
            ("is_blank", pa.bool_()),
            ("is_comment", pa.bool_()),
        ]
    ),
    "text": pa.schema(
        [
            ("filename", pa.string()),
            ("content", pa.string()),
            ("size", pa.int64()),
            ("last_modified", pa.timestamp("us", tz="UTC")),
        ]
    ),
}


def table_dir(spark_raw_dir: str | Path, table: LoadedTable) -> Path:
    return Path(spark_raw_dir) / table.schema / table.name


def write_table(table: LoadedTable, raw_dir: str, spark_raw_dir: str | Path) -> int:
    """Replace one table's parquet file; the number of rows written."""
    schema = SCHEMAS[table.kind]
    columns: list[list[object]] = [[] for _ in schema.names]
    for row in table_rows(table, raw_dir):
        for values, value in zip(columns, row, strict=True):
            values.append(value)
    if table.kind == "text":
        columns[3] = [datetime.fromisoformat(f"{value}+00:00") for value in columns[3]]
    batch = pa.table(
        [pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)],
        schema=schema,
    )
    target = table_dir(spark_raw_dir, table)
    staged = target.with_name(target.name + ".loading")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    pq.write_table(batch, staged / "part-00000.parquet")
    shutil.rmtree(target, ignore_errors=True)
    staged.rename(target)
    return batch.num_rows


def load(
    raw_dir: str, spark_raw_dir: str | Path, tables: list[LoadedTable], log=print
) -> dict[str, int]:
    """Write every declared raw table; rows written per table. Every file is read (and
    checked for UTF-8) before the first table is replaced."""
    for table in tables:
        for _ in table_rows(table, raw_dir):
            pass
    counts: dict[str, int] = {}
    for table in tables:
        started = time.monotonic()
        rows = write_table(table, raw_dir, spark_raw_dir)
        qualified = f"{table.schema}.{table.name}"
        counts[qualified] = rows
        log(f"wrote {rows:>9} rows for {qualified} ({time.monotonic() - started:.1f} s)")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="analytics-spark-load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--raw-dir", default=os.environ.get("RAW_DATA_DIR", "data/raw"))
    parser.add_argument("--spark-raw-dir", default=default_raw_dir())
    args = parser.parse_args(argv)
    load(args.raw_dir, args.spark_raw_dir, declared_tables(prefix=""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
