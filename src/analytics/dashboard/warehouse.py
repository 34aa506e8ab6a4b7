"""The published warehouse as the dashboard reads it: never a connection held open.

A build publishes a new warehouse by renaming a finished copy over the file (`analytics-build`),
and a plain `dbt build` needs the file to itself. So the dashboard opens a fresh read-only
connection for each query and closes it at once: it never holds a lock a build needs, and it
never keeps reading a file that a build has replaced. What changes when a build publishes is
the file's identity (`FileVersion`: inode, modification time, size); the dashboard keys its
cache of answers on it, so the first page shown after a publish reads the new file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from analytics.reports.common import DEFAULT_DATABASE
from analytics.reports.queries import Query, Result, run

T = TypeVar("T")

# One connection at a time in this process: DuckDB shares one open database per path inside a
# process, so two overlapping connections could make the second read a file already replaced.
_ONE_AT_A_TIME = threading.Lock()


class WarehouseUnavailable(Exception):
    """The file is missing, or another process holds it for writing; the message says which."""


@dataclass(frozen=True)
class FileVersion:
    inode: int
    mtime_ns: int
    size: int

    @property
    def published_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime_ns / 1e9, UTC)


@dataclass(frozen=True)
class Warehouse:
    path: Path

    @classmethod
    def from_environment(cls) -> Warehouse:
        """$DUCKDB_PATH, else warehouse/analytics.duckdb, as an absolute path (not resolved:
        a build renames over the path itself)."""
        return cls(Path(os.environ.get("DUCKDB_PATH") or DEFAULT_DATABASE).absolute())

    def version(self) -> FileVersion | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return FileVersion(stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def read(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run `work` on a fresh read-only connection, closed when it returns."""
        with _ONE_AT_A_TIME:
            if not self.path.is_file():
                raise WarehouseUnavailable(
                    f"no warehouse at {self.path}: run `make build` first (or set DUCKDB_PATH)"
                )
            try:
                con = duckdb.connect(str(self.path), read_only=True)
            except duckdb.IOException as error:
                raise WarehouseUnavailable(
                    f"cannot open {self.path} read-only ({error}); a process that writes it in"
                    " place (a plain `dbt build`) may hold it: try again when it is done"
                ) from None
            try:
                return work(con)
            finally:
                con.close()

    def fetch(self, query: Query) -> Result:
        return self.read(lambda con: run(con, query))
