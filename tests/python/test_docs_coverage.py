"""Every model, every column it really has, and every source is described, and every model has
a primary-key test. Checked on dbt's own artifacts (manifest.json and catalog.json from
`dbt docs generate` over a real build), not on our YAML, so a column added to a model's SQL
but not to its docs is caught.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT_DIR, DbtResult, run_dbt

# A model's primary key is tested by unique + not_null on one column, or by a test of the
# combination of columns of its grain.
COMBINATION_TESTS = {"unique_combination_of_columns"}


@dataclass
class Artifacts:
    manifest: dict[str, Any]
    catalog: dict[str, Any]
    database: Path


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    work = tmp_path_factory.mktemp("docs")
    database = work / "warehouse.duckdb"
    raw = PROJECT_DIR / "data" / "raw"
    built = run_dbt(raw, database, "build", work_dir=work)
    assert built.returncode == 0, built.output[-3000:]
    docs = run_dbt(raw, database, "docs", "generate", work_dir=work)
    assert docs.returncode == 0, docs.output[-3000:]
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    catalog = json.loads((work / "target" / "catalog.json").read_text())
    return Artifacts(manifest, catalog, database)


def project_nodes(manifest: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == resource_type and node["package_name"] == "analytics"
    ]


def test_every_model_and_each_of_its_columns_is_described(
    artifacts: Artifacts,
) -> None:
    manifest, catalog = artifacts.manifest, artifacts.catalog
    missing: list[str] = []
    for model in project_nodes(manifest, "model"):
        if not model["description"].strip():
            missing.append(f"model {model['name']}")
        documented = {
            name.lower(): column["description"].strip() for name, column in model["columns"].items()
        }
        built = catalog["nodes"].get(model["unique_id"])
        assert built is not None, f"model {model['name']} is not in the catalog"
        for column in built["columns"]:
            if not documented.get(column.lower()):
                missing.append(f"column {model['name']}.{column}")
        for column in documented:
            if column not in {c.lower() for c in built["columns"]}:
                missing.append(f"documented column {model['name']}.{column} does not exist")
    assert missing == []


def test_every_source_table_and_column_is_described(
    artifacts: Artifacts,
) -> None:
    manifest = artifacts.manifest
    missing = []
    for source in manifest["sources"].values():
        name = f"{source['source_name']}.{source['name']}"
        if not source["description"].strip() or not source["source_description"].strip():
            missing.append(f"source {name}")
        if not source["columns"]:
            missing.append(f"source {name} lists no columns")
        for column_name, column in source["columns"].items():
            if not column["description"].strip():
                missing.append(f"column {name}.{column_name}")
    assert missing == []


def test_every_model_has_a_primary_key_test(
    artifacts: Artifacts,
) -> None:
    manifest = artifacts.manifest
    tests = project_nodes(manifest, "test")
    unique: dict[str, set[str]] = {}
    not_null: dict[str, set[str]] = {}
    combination: set[str] = set()
    for test in tests:
        metadata = test.get("test_metadata") or {}
        attached = test.get("attached_node")
        if not attached:
            continue
        column = (test.get("column_name") or "").lower()
        if metadata.get("name") == "unique":
            unique.setdefault(attached, set()).add(column)
        elif metadata.get("name") == "not_null":
            not_null.setdefault(attached, set()).add(column)
        elif metadata.get("name") in COMBINATION_TESTS:
            combination.add(attached)
    without_key = [
        model["name"]
        for model in project_nodes(manifest, "model")
        if model["unique_id"] not in combination
        and not (unique.get(model["unique_id"], set()) & not_null.get(model["unique_id"], set()))
    ]
    assert without_key == []


def test_descriptions_are_persisted_into_the_warehouse(artifacts: Artifacts) -> None:
    manifest = artifacts.manifest
    result = DbtResult(0, "", artifacts.database)
    rows = result.query(
        "select schema_name, table_name, comment from duckdb_tables()"
        " union all select schema_name, view_name, comment from duckdb_views() where not internal"
    )
    uncommented = [f"{r[0]}.{r[1]}" for r in rows if not (r[2] or "").strip()]
    assert uncommented == []
    models = {m["alias"] for m in project_nodes(manifest, "model")}
    assert models <= {r[1] for r in rows}
