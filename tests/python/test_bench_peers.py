"""The benchmark's peers (benchmarks/retail/engines.py: hand-written DuckDB SQL, pandas, Polars,
Dask) do the warehouse's retail work: on a small generated set with defects, built by the real
dbt CLI, each peer's accepted rows, quarantine, per-file accounting and four marts equal the
warehouse's row for row (benchmarks/retail/compare.py, the comparison the benchmark reports).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analytics.generate.retail import generate_retail
from conftest import PROJECT_DIR, run_dbt, selector

pytestmark = pytest.mark.dbt

BENCH = PROJECT_DIR / "benchmarks" / "retail"
sys.path.insert(0, str(BENCH))
from compare import compare, describe  # noqa: E402
from defects import add_csv_defects  # noqa: E402

PEERS = {"duckdb-sql": "duckdb", "pandas": "pandas", "polars": "polars", "dask": "dask"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(raw retail folder, warehouse file): 6 daily files with the generator's defects at a
    15 % rate and the CSV defects of benchmarks/retail/defects.py, built by dbt."""
    work = tmp_path_factory.mktemp("bench_peers")
    raw = work / "raw"
    generate_retail(raw, rows=3000, seed=11, files=6, start=dt.date(2024, 12, 20), defect_rate=0.15)
    add_csv_defects(raw / "retail")
    db = work / "warehouse.duckdb"
    result = run_dbt(raw, db, "build", *selector("retail"))
    assert result.returncode == 0, result.output[-4000:]
    return raw / "retail", db


@pytest.mark.parametrize("engine", list(PEERS))
def test_peer_equals_the_warehouse(
    engine: str, warehouse: tuple[Path, Path], tmp_path: Path
) -> None:
    if importlib.util.find_spec(PEERS[engine]) is None:
        pytest.skip(f"{PEERS[engine]} is not installed (the bench dependency group)")
    raw, db = warehouse
    out = tmp_path / engine
    done = subprocess.run(
        [sys.executable, str(BENCH / "engines.py"), engine, str(raw), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])

    differences = compare(db, out)
    assert describe(differences) == "yes", differences
    assert {d.output for d in differences} == {
        "accepted",
        "quarantine",
        "accounting",
        "daily_revenue",
        "regional_monthly_metrics",
        "category_monthly_trends",
        "customer_segments",
    }
    # a comparison of something: every output holds rows, and the counts are the peer's own
    assert all(d.warehouse_rows > 0 and d.peer_rows == d.warehouse_rows for d in differences)
    by_name = {d.output: d for d in differences}
    assert summary["accepted"] == by_name["accepted"].peer_rows
    assert summary["quarantined"] == by_name["quarantine"].peer_rows

    # the CSV defects were met, and handled as the warehouse handles them
    con = duckdb.connect()
    quarantine = dict(
        con.execute(
            "select transaction_id_raw, (rejection_reason, line_count) from read_parquet(?)"
            " where transaction_id_raw like 'Z%'",
            [str(out / "quarantine.parquet")],
        ).fetchall()
    )
    malformed = con.execute(
        "select raw_record, line_count from read_parquet(?) where rejection_reason ="
        " 'malformed_row' and raw_record like 'Z%'",
        [str(out / "quarantine.parquet")],
    ).fetchall()
    accepted = dict(
        con.execute(
            "select transaction_id, (product_category, region, transaction_at)"
            " from read_parquet(?) where transaction_id like 'Z%'",
            [str(out / "accepted" / "*.parquet")],
        ).fetchall()
    )
    # (malformed rows have no raw values; they are found by their raw text)
    assert any(text.endswith(",one field too many") for text, _ in malformed)
    assert any(text.startswith("Z17,") and count == 3 for text, count in malformed)
    assert quarantine == {}, quarantine  # every well-formed defect line is accepted
    assert accepted["Z2"][0] == "home, garden"
    assert accepted["Z3"][0] == 'say "hi"'
    assert accepted["Z4"][0] == "two\nlines"
    assert accepted["Z13"][0] == "carriage\rreturn"
    assert accepted["Z9"][1] == "east"
    assert "Z5" in accepted and "Z6" in accepted and "Z11" in accepted and "Z12" in accepted
    day = accepted["Z7"][2]
    assert day.hour == 22  # 03:00+05:00 is 22:00 UTC the day before
