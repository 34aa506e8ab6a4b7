"""Shared fixtures: run the real dbt CLI against a temporary DuckDB file and raw folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")


@dataclass
class DbtResult:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a query against the built warehouse, opened read-only."""
        with read_only(self.database) as con:
            return con.execute(sql).fetchall()


@contextmanager
def read_only(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        yield con
    finally:
        con.close()


def run_dbt(raw_dir: Path, database: Path, *args: str, work_dir: Path | None = None) -> DbtResult:
    """Run the dbt CLI in the project with RAW_DATA_DIR and DUCKDB_PATH pointing elsewhere.

    Target and log folders go to a temporary place so that tests never touch the developer's
    target/ and logs/ (and never read a stale partial parse).
    """
    work_dir = work_dir or database.parent
    completed = subprocess.run(
        [str(DBT), "--no-use-colors", *args],
        cwd=PROJECT_DIR,
        env=dbt_env(raw_dir, database, work_dir),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, database)


def dbt_env(raw_dir: Path, database: Path, work_dir: Path) -> dict[str, str]:
    """The environment of a dbt (or analytics-build) run on temporary paths."""
    env = {
        **os.environ,
        "RAW_DATA_DIR": str(raw_dir),
        "DUCKDB_PATH": str(database),
        "DUCKDB_TEMP_DIR": str(work_dir / "duckdb_tmp"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NO_COLOR": "1",
    }
    env.pop("DBT_TARGET", None)
    for name in list(env):
        if name.startswith("ANALYTICS_SMTP_") or name.startswith("ANALYTICS_ALERT_"):
            del env[name]
    return env


@pytest.fixture
def dbt_build(tmp_path: Path) -> Callable[..., DbtResult]:
    """dbt build of the raw folder given, into a fresh DuckDB file under tmp_path."""

    def build(raw_dir: Path, *args: str) -> DbtResult:
        return run_dbt(raw_dir, tmp_path / "warehouse.duckdb", "build", *args, work_dir=tmp_path)

    return build


@dataclass
class DocsSite:
    """A dbt build of the shipped sample and `dbt docs generate` over it, in a temporary place."""

    work_dir: Path
    database: Path
    raw_dir: Path

    @property
    def target(self) -> Path:
        return self.work_dir / "target"

    def artifact(self, name: str) -> dict[str, Any]:
        return json.loads((self.target / name).read_text())


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> DocsSite:
    """Built once per session: the docs-coverage checks and the browser test share it."""
    work = tmp_path_factory.mktemp("docs")
    database = work / "warehouse.duckdb"
    raw = PROJECT_DIR / "data" / "raw"
    built = run_dbt(raw, database, "build", work_dir=work)
    assert built.returncode == 0, built.output[-3000:]
    docs = run_dbt(raw, database, "docs", "generate", work_dir=work)
    assert docs.returncode == 0, docs.output[-3000:]
    return DocsSite(work, database, raw)
