"""What every report shares: the warehouse opened read-only, safe output paths, CSV writing."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

DEFAULT_DATABASE = Path("warehouse/analytics.duckdb")
DEFAULT_REPORTS_DIR = Path("output/reports")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class ReportError(Exception):
    """A report cannot be written; the message says why, for a person to read."""


def database_path(database: Path | None = None) -> Path:
    """The warehouse file: the argument, else DUCKDB_PATH, else warehouse/analytics.duckdb."""
    path = database or Path(os.environ.get("DUCKDB_PATH", str(DEFAULT_DATABASE)))
    if not path.is_file():
        raise ReportError(f"no warehouse at {path}: run `make build` first")
    return path


def connect_read_only(database: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the published warehouse read-only (never takes the write lock a build needs)."""
    return duckdb.connect(str(database_path(database)), read_only=True)


def parse_date(text: str) -> date:
    """A run-time date argument, strictly YYYY-MM-DD; anything else is a clear error."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        raise ReportError(f"invalid date {text!r}: expected YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ReportError(f"invalid date {text!r}: {error}") from None


def output_file(reports_dir: Path, name: str) -> Path:
    """A file inside reports_dir; refuses any name that would land elsewhere."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise ReportError(f"refusing report file name {name!r}")
    root = reports_dir.resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise ReportError(f"refusing to write {name!r} outside {root}")
    return path


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (LF endings, values as str(); None as empty)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow("" if value is None else value for value in row)
    return buffer.getvalue()


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write a file through a .partial copy renamed over it: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if isinstance(content, bytes):
        partial.write_bytes(content)
    else:
        partial.write_text(content, encoding="utf-8", newline="")
    partial.replace(path)
    return path


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write rows as CSV (see csv_text), atomically."""
    return write_atomic(path, csv_text(header, rows))


def fmt(value: Any, decimals: int = 2) -> str:
    """A number or date as the report and the dashboard show it: integers with thousands
    separators, other numbers to `decimals` decimals, timestamps to the second."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal | float):
        if isinstance(value, float) and value != value:  # NaN: no value
            return ""
        return f"{value:,.{decimals}f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
