"""The PostgreSQL reader: load the raw files into the raw schemas the `postgres` target reads.

A PostgreSQL model cannot read a file, so on this target the one per-engine step of the
reader runs here, before dbt: every source table that declares `meta.load` in its sources
YAML (models/**/_*__sources.yml) is (re)loaded with COPY from the files under RAW_DATA_DIR
that its globs match:

- `as: file_list`    one row per file (`file`), like DuckDB's glob();
- `as: csv_records`  one row per record, blank and comment line of every file (filename,
                     scan_position, line_count, raw_line, is_blank, is_comment), cut as the
                     DuckDB reader's raw_csv_lines() cuts them (analytics.postgres.csv_lines);
- `as: text`         one row per file (filename, content, size, last_modified), like read_text().

Every table is replaced in one transaction: a load that fails (a file that is not UTF-8, a
server error) leaves the previous raw tables as they were. File paths are written as DuckDB
reports them (RAW_DATA_DIR/<folder>/<name>), so the models name files the same on both
engines. PostgreSQL text cannot hold a NUL byte: a NUL inside a field is loaded as U+2400
(SYMBOL FOR NULL), the one difference from the DuckDB reader (docs/operations.md, "PostgreSQL").
"""

from __future__ import annotations

import argparse
import glob
import io
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from analytics.postgres.csv_lines import csv_lines

PROJECT_DIR = Path(__file__).resolve().parents[3]
NUL_STAND_IN = "\u2400"

COLUMNS = {
    "file_list": "file text",
    "csv_records": (
        "filename text, scan_position bigint, line_count bigint, raw_line text,"
        " is_blank boolean, is_comment boolean"
    ),
    "text": "filename text, content text, size bigint, last_modified timestamp",
}


@dataclass(frozen=True)
class LoadedTable:
    schema: str
    name: str
    kind: str
    globs: tuple[str, ...]
    comment_prefix: str | None = None


# how the sources YAML puts the publishing build's schema prefix in front of a raw schema
PREFIX_TEMPLATE = re.compile(r"\{\{\s*env_var\('ANALYTICS_SCHEMA_PREFIX',\s*''\)\s*\}\}")


def source_schema(declared: str, prefix: str) -> str:
    """A source's schema as dbt renders it: the prefix template replaced by `prefix`."""
    schema = PREFIX_TEMPLATE.sub(prefix, declared)
    if "{" in schema or not re.fullmatch(r"[a-z0-9_]+", schema):
        raise ValueError(f"source schema {declared!r}: only the schema prefix template is read")
    return schema


def declared_tables(
    project_dir: Path = PROJECT_DIR, prefix: str | None = None
) -> list[LoadedTable]:
    """The source tables with a `meta.load` declaration, from the sources YAML files, in the
    schemas of the schema prefix (ANALYTICS_SCHEMA_PREFIX unless given)."""
    if prefix is None:
        prefix = os.environ.get("ANALYTICS_SCHEMA_PREFIX", "")
    tables = []
    for path in sorted((project_dir / "models").rglob("*sources.yml")):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            for table in source.get("tables", []):
                load = (table.get("config", {}).get("meta") or {}).get("load")
                if not load:
                    continue
                if load["as"] not in COLUMNS:
                    raise ValueError(f"{path}: {table['name']}: unknown load kind {load['as']}")
                tables.append(
                    LoadedTable(
                        schema=source_schema(source.get("schema", source["name"]), prefix),
                        name=table["name"],
                        kind=load["as"],
                        globs=tuple(load["files"]),
                        comment_prefix=load.get("comment_prefix"),
                    )
                )
    return tables


def matching_files(raw_dir: str, globs: tuple[str, ...]) -> list[str]:
    """Paths as DuckDB's glob() gives them: RAW_DATA_DIR as written, then the match."""
    prefix = raw_dir.rstrip("/")
    found: set[str] = set()
    for pattern in globs:
        for match in glob.glob(os.path.join(prefix, pattern)):
            found.add(match)
    return sorted(found)


def _read_text(path: str) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SystemExit(
            f"raw file {path} is not UTF-8 (byte {error.start}: {error.reason}); "
            "the raw data contract requires UTF-8"
        ) from None


def _copy_value(value: object) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if "\0" in text:
        text = text.replace("\0", NUL_STAND_IN)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def table_rows(table: LoadedTable, raw_dir: str) -> Iterator[tuple[object, ...]]:
    for path in matching_files(raw_dir, table.globs):
        if table.kind == "file_list":
            yield (path,)
        elif table.kind == "text":
            stat = os.stat(path)
            modified = datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None)
            yield (path, _read_text(path), stat.st_size, modified.isoformat(sep=" "))
        else:
            for line in csv_lines(_read_text(path), table.comment_prefix):
                yield (path, *line)


def load(connection, raw_dir: str, tables: list[LoadedTable], log=print) -> dict[str, int]:
    """Replace every declared raw table, in one transaction; rows loaded per table."""
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        for table in tables:
            started = time.monotonic()
            qualified = f'"{table.schema}"."{table.name}"'
            cur.execute(f'create schema if not exists "{table.schema}"')
            # kept, not dropped: the staging views of the last build depend on it
            cur.execute(f"create table if not exists {qualified} ({COLUMNS[table.kind]})")
            cur.execute(f"truncate {qualified}")
            buffer = io.StringIO()
            rows = 0
            for row in table_rows(table, raw_dir):
                buffer.write("\t".join(_copy_value(value) for value in row))
                buffer.write("\n")
                rows += 1
            buffer.seek(0)
            cur.copy_expert(f"copy {qualified} from stdin", buffer)
            counts[qualified] = rows
            log(f"loaded {rows:>9} rows into {qualified} ({time.monotonic() - started:.1f} s)")
    connection.commit()
    return counts


def connect(env: dict[str, str] | None = None):
    import psycopg2

    env = env or dict(os.environ)
    return psycopg2.connect(
        host=env.get("POSTGRES_HOST", "127.0.0.1"),
        port=int(env.get("POSTGRES_PORT", "5432")),
        user=env.get("POSTGRES_USER", "analytics_build"),
        password=env.get("POSTGRES_PASSWORD", ""),
        dbname=env.get("POSTGRES_DATABASE", "analytics"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", default=os.environ.get("RAW_DATA_DIR", "data/raw"))
    args = parser.parse_args(argv)
    with connect() as connection:
        load(connection, args.raw_dir, declared_tables())
    return 0


if __name__ == "__main__":
    sys.exit(main())
