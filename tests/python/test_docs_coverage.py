"""Every model, every column it really has, every source, seed, snapshot, macro (generic tests
included) and exposure is described, every model has a primary-key test, and every mart is used
by an exposure. Checked on dbt's own artifacts (manifest.json and catalog.json from
`dbt docs generate` over a real build), not on our YAML, so a column added to a model's SQL
but not to its docs is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import DbtResult, DocsSite

pytestmark = pytest.mark.dbt

# A model's primary key is tested by unique + not_null on one column, or by a test of the
# combination of columns of its grain.
COMBINATION_TESTS = {"unique_combination_of_columns"}


@dataclass
class Artifacts:
    manifest: dict[str, Any]
    catalog: dict[str, Any]
    database: Path


@pytest.fixture(scope="module")
def artifacts(docs_site: DocsSite) -> Artifacts:
    return Artifacts(
        docs_site.artifact("manifest.json"), docs_site.artifact("catalog.json"), docs_site.database
    )


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


# `{% macro name(a, b=1) %}` or `{% test name(model, c) %}`: the argument names of the signature.
_SIGNATURE = re.compile(r"{%-?\s*(?:macro|test)\s+\w+\s*\((?P<args>[^)]*)\)", re.S)


def signature_arguments(macro_sql: str) -> list[str]:
    match = _SIGNATURE.search(macro_sql)
    assert match is not None, macro_sql[:200]
    return [a.split("=")[0].strip() for a in match["args"].split(",") if a.strip()]


def test_every_macro_and_each_of_its_arguments_is_described(artifacts: Artifacts) -> None:
    macros = [
        macro
        for macro in artifacts.manifest["macros"].values()
        if macro["package_name"] == "analytics"
    ]
    # Generic tests are macros named test_<name>; they must be among those checked.
    assert "test_row_accounting_balances" in {m["name"] for m in macros}
    missing: list[str] = []
    for macro in macros:
        name = macro["name"]
        if not macro["description"].strip():
            missing.append(f"macro {name}")
        documented = {a["name"]: (a.get("description") or "").strip() for a in macro["arguments"]}
        for argument in signature_arguments(macro["macro_sql"]):
            if not documented.get(argument):
                missing.append(f"argument {name}.{argument}")
        for argument in set(documented) - set(signature_arguments(macro["macro_sql"])):
            missing.append(f"documented argument {name}.{argument} does not exist")
    assert missing == []


def test_every_seed_and_snapshot_and_each_of_its_columns_is_described(
    artifacts: Artifacts,
) -> None:
    missing: list[str] = []
    for resource_type in ("seed", "snapshot"):
        for node in project_nodes(artifacts.manifest, resource_type):
            if not node["description"].strip():
                missing.append(f"{resource_type} {node['name']}")
            built = artifacts.catalog["nodes"].get(node["unique_id"], {"columns": {}})
            documented = {n.lower(): c["description"].strip() for n, c in node["columns"].items()}
            for column in built["columns"]:
                if not documented.get(column.lower()):
                    missing.append(f"column {node['name']}.{column}")
    assert missing == []


def test_every_exposure_is_described_and_every_mart_is_used_by_one(artifacts: Artifacts) -> None:
    manifest = artifacts.manifest
    exposures = [e for e in manifest["exposures"].values() if e["package_name"] == "analytics"]
    assert {e["name"] for e in exposures} >= {
        "html_report",
        "trades_report_csvs",
        "analysts_warehouse",
    }
    problems: list[str] = []
    used: set[str] = set()
    for exposure in exposures:
        if not exposure["description"].strip():
            problems.append(f"exposure {exposure['name']} has no description")
        if not (exposure["owner"].get("name") or exposure["owner"].get("email")):
            problems.append(f"exposure {exposure['name']} has no owner")
        if not exposure["depends_on"]["nodes"]:
            problems.append(f"exposure {exposure['name']} depends on nothing")
        used.update(exposure["depends_on"]["nodes"])
    for model in project_nodes(manifest, "model"):
        if model["fqn"][1] == "marts" and model["unique_id"] not in used:
            problems.append(f"mart {model['name']} is used by no exposure")
    assert problems == []


def test_the_overview_page_is_the_project_s_own(artifacts: Artifacts) -> None:
    overview = artifacts.manifest["docs"].get("doc.analytics.__overview__")
    assert overview is not None
    assert "Where to start" in overview["block_contents"]
