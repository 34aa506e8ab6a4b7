"""The dbt project as Dagster sees it: its manifest, and how its nodes become assets.

The manifest comes from a `dbt parse` against the in-memory `lint` target, into its own target
folder (`target/orchestrate`): it never opens the warehouse nor takes the build's locks, and it
never makes the builds or the linter parse again. It is parsed again only when a file of the
project is newer than it, under a file lock, so the webserver, the daemon and each run (each
its own process, all loading these definitions) parse at most once between them.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

PROJECT_DIR = Path(__file__).resolve().parents[3]
MANIFEST_TARGET = Path("target") / "orchestrate"
# What a parse reads: a change to any of these makes the saved manifest stale.
PROJECT_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests", "analyses")
PROJECT_FILES = ("dbt_project.yml", "selectors.yml", "profiles.yml")
PARSED_SUFFIXES = (".sql", ".yml", ".yaml", ".csv", ".md")
NOT_DBT = "python"  # tests/python: pytest's, which dbt does not read
# The asset groups: one per source system, and the cross-source audit and operations areas
# (the tags dbt_project.yml sets once per area).
AREAS = ("bank", "trades", "sales", "streaming", "retail", "audit", "operations")

dbt_project = DbtProject(project_dir=PROJECT_DIR, target_path=MANIFEST_TARGET, target="lint")


def _project_files(project_dir: Path) -> Iterator[Path]:
    for name in PROJECT_FILES:
        yield project_dir / name
    for folder in PROJECT_FOLDERS:
        for root, dirs, files in os.walk(project_dir / folder):
            dirs[:] = [d for d in dirs if not d.startswith((".", "__")) and d != NOT_DBT]
            for file in files:
                if file.endswith(PARSED_SUFFIXES):
                    yield Path(root) / file


def manifest_is_stale(manifest: Path, project_dir: Path = PROJECT_DIR) -> bool:
    """True when there is no manifest or a project file changed after it was written."""
    if not manifest.exists():
        return True
    written = manifest.stat().st_mtime_ns
    return any(p.exists() and p.stat().st_mtime_ns > written for p in _project_files(project_dir))


def load_manifest(project: DbtProject = dbt_project) -> dict[str, Any]:
    """The manifest, parsed first (`dbt parse` against the `lint` target) when it is stale."""
    manifest = project.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with (manifest.parent / "parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # waits while another process parses
        if manifest_is_stale(manifest, project.project_dir):
            env = {
                **os.environ,
                "DBT_TARGET": "lint",
                "DBT_TARGET_PATH": str(project.project_dir / project.target_path),
                "DBT_LOG_PATH": str(project.project_dir / "logs" / "orchestrate"),
            }
            env.pop("DBT_EXCLUDE_RESOURCE_TYPES", None)
            subprocess.run(
                [str(Path(sys.executable).with_name("dbt")), "parse", "--quiet"],
                cwd=project.project_dir,
                env=env,
                check=True,
            )
        return with_depends_on_nodes(json.loads(manifest.read_text()))


def with_depends_on_nodes(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with each node's `depends_on_nodes` spelled out.

    dagster-dbt 0.29 evaluates a dbt selector over the manifest's JSON, where a node's
    `depends_on_nodes` (a property of dbt's node classes) is missing; the `cautious` indirect
    selection of our selectors (selectors.yml, `accounting`) reads it and fails. Spelled out,
    dbt's own selection code gives what `dbt ls --selector` gives (test_orchestrator.py).
    """
    for node in manifest.get("nodes", {}).values():
        node.setdefault("depends_on_nodes", list(node.get("depends_on", {}).get("nodes", [])))
    return manifest


class AnalyticsTranslator(DagsterDbtTranslator):
    """dagster-dbt's defaults (keys `<schema>/<name>`, dbt tests as asset checks, owners from
    `meta.owner`), with one asset group per source system or area, from the node's tags."""

    def __init__(self) -> None:
        super().__init__(DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        tags = dbt_resource_props.get("tags") or []
        return next((area for area in AREAS if area in tags), "other")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str] | None:
        meta = dbt_resource_props.get("config", {}).get("meta") or {}
        owner = meta.get("owner") or (dbt_resource_props.get("meta") or {}).get("owner")
        return [f"team:{owner}"] if owner else None
