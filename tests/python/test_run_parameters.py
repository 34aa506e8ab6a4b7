"""Run-time vars are checked as their type before anything is built (macros/checked_var.sql):
a bad value stops `dbt build` at on-run-start with a message that names the var, and no model
is written. Each case is a real dbt run (a new --vars value makes dbt parse the project again).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.generate.bank import generate_bank
from conftest import DbtResult, run_dbt

pytestmark = pytest.mark.dbt


def build_with_vars(tmp_path: Path, vars_text: str) -> DbtResult:
    """A small dbt build (one bank file, its inventory) with the given --vars."""
    raw = tmp_path / "raw"
    generate_bank(raw, rows=50, seed=1, files=1)
    return run_dbt(
        raw,
        tmp_path / "warehouse.duckdb",
        "build",
        "--select",
        "+stg_bank__transaction_files",
        "--indirect-selection",
        "cautious",
        "--vars",
        vars_text,
    )


@pytest.mark.parametrize(
    ("name", "value", "must_be"),
    [
        ("sales_outlier_iqr_k", '"1; drop table x"', "a number greater than 0"),
        ("sales_outlier_iqr_k", "0", "a number greater than 0"),
        ("sales_outlier_min_lines", "2.5", "a whole number of at least 1"),
        ("retail_as_of_date", '"2024-99-99"', "a real calendar date, YYYY-MM-DD"),
        ("retail_as_of_date", '"2023-02-29"', "a real calendar date, YYYY-MM-DD"),
        ("retail_as_of_date", '"31/12/2024"', "a calendar date, YYYY-MM-DD"),
        ("max_quarantined_share", "1.5", "a number from 0 to 1"),
    ],
)
def test_a_var_that_is_not_of_its_type_stops_the_build_before_anything_is_built(
    tmp_path: Path, name: str, value: str, must_be: str
) -> None:
    result = build_with_vars(tmp_path, f"{{{name}: {value}}}")
    database = result.database
    assert result.returncode != 0
    assert f"var {name}=" in result.output and f"is not allowed: it must be {must_be}" in (
        result.output
    ), result.output[-3000:]
    # on-run-start failed: no model was built (the warehouse file was not even written)
    assert "Completed successfully" not in result.output
    assert "START sql" not in result.output
    if database.exists():
        built = result.query(
            "select count(*) from duckdb_tables() where schema_name not in ('audit')"
            " union all select count(*) from duckdb_views() where not internal"
        )
        assert built == [(0,), (0,)]


def test_good_values_of_every_type_pass(tmp_path: Path) -> None:
    result = build_with_vars(
        tmp_path,
        "{sales_outlier_iqr_k: 3, sales_outlier_min_lines: 5, retail_as_of_date: '2024-02-29',"
        " max_quarantined_share: 1}",
    )
    assert result.returncode == 0, result.output[-3000:]
    assert result.query("select count(*) from staging.stg_bank__transaction_files") == [(1,)]
