"""Every dbt model, seed and snapshot as a Dagster asset, and every dbt test as an asset
check, built by one multi-asset op that runs `analytics-build` (the safe publish of
src/analytics/build.py: into a copy, published only when everything passed, one build at a
time, an alert on failure) and reports what dbt's run_results.json of that build says.

- A run of a source's job builds that source's selector (`--selector <source>_with_accounting`,
  set in the job's config); the full job (and the daily schedule) builds everything, which is
  what `analytics-build` does with no selection (the `production` selector); assets picked by
  hand in the UI are built with dagster-dbt's `--select` of exactly those nodes.
- A build that published reports a materialization for every model, seed and snapshot that
  ran, and a check result for every test; one that did not publish reports the test results
  (the failed ones show in the UI) and no materialization, then fails the run.
- Another build holding the lock is worth retrying: the step is retried with back-off
  (`retry_wait_seconds`, doubled each time, `lock_retries` times). Any other failure (a test
  that failed, an unusable file, a wrong RAW_DATA_DIR) is not retried: it fails at once and
  `analytics-build` has sent its alert.
"""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryRequested,
)
from dagster_dbt import dbt_assets
from dagster_dbt.asset_utils import get_subset_selection_for_context
from pydantic import Field

from analytics.build import LOCKED, RESULTS_COPY, _node_problems
from analytics.orchestrate.project import PROJECT_DIR, AnalyticsTranslator, load_manifest

ANALYTICS_BUILD = Path(sys.executable).with_name("analytics-build")
UNIQUE_ID = "dagster_dbt/unique_id"
ASSET_NAME = "analytics_dbt"
MANIFEST = load_manifest()
TRANSLATOR = AnalyticsTranslator()


class BuildConfig(Config):
    """How a run builds: which dbt selector, and how it waits for a busy build lock."""

    selector: str | None = Field(
        default=None,
        description="A selector of selectors.yml (`sales_with_accounting`, ...); none: the "
        "assets selected (all of them: analytics-build's `production` selector)",
    )
    lock_retries: int = Field(default=5, description="retries while another build holds the lock")
    retry_wait_seconds: float = Field(
        default=30.0, description="the first wait before a retry; doubled at each retry"
    )


@dataclass
class BuildRun:
    """One `analytics-build`: its exit code, output, dbt run results and problem lines."""

    returncode: int
    output: str
    results: Mapping[str, Any] | None
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.returncode == 0

    @property
    def locked(self) -> bool:
        """Refused because another build holds the build lock: can pass on retry."""
        return self.returncode != 0 and f"analytics-build: error: {LOCKED}" in self.output


def run_analytics_build(args: Sequence[str], env: Mapping[str, str] | None = None) -> BuildRun:
    """`analytics-build ARGS` in the project folder, with the environment of this process (its
    DUCKDB_PATH and RAW_DATA_DIR), its output echoed (the run's logs show it) and its dbt
    run_results.json read from the copy the build keeps (ANALYTICS_BUILD_RESULTS)."""
    with tempfile.TemporaryDirectory(prefix="analytics-build-") as scratch:
        results_path = Path(scratch) / "run_results.json"
        process = subprocess.Popen(
            [str(ANALYTICS_BUILD), *args],
            cwd=PROJECT_DIR,
            env={**os.environ, **(env or {}), RESULTS_COPY: str(results_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            sys.stdout.write(line)
            lines.append(line)
        returncode = process.wait()
        if not results_path.exists():
            return BuildRun(returncode, "".join(lines), None)
        failed, warnings = _node_problems(results_path)
        results = json.loads(results_path.read_text())
    return BuildRun(returncode, "".join(lines), results, failed, warnings)


def build_args(context: AssetExecutionContext, config: BuildConfig) -> tuple[list[str], dict]:
    """analytics-build's arguments for this run, and the environment dbt's selection needs."""
    if config.selector:
        return ["--selector", config.selector], {}
    if not context.is_subset:
        return [], {}  # everything: analytics-build's default, the `production` selector
    args, indirect = get_subset_selection_for_context(
        context=context,
        manifest=MANIFEST,
        select="fqn:*",
        exclude="",
        selector="",
        dagster_dbt_translator=TRANSLATOR,
        current_dbt_indirect_selection_env=os.environ.get("DBT_INDIRECT_SELECTION"),
    )
    return list(args), ({"DBT_INDIRECT_SELECTION": indirect} if indirect else {})


def _seconds(result: Mapping[str, Any]) -> float:
    return round(float(result.get("execution_time") or 0.0), 3)


def build_events(
    context: AssetExecutionContext, run: BuildRun
) -> Iterator[MaterializeResult | AssetCheckResult]:
    """What the build's run_results.json says, as Dagster events: a materialization for each
    model, seed and snapshot that ran (only when the build was published) and a check result
    for each test that ran (always)."""
    if run.results is None:
        return
    assets_def = context.assets_def
    asset_keys: dict[str, AssetKey] = {
        spec.metadata[UNIQUE_ID]: spec.key
        for spec in assets_def.specs
        if UNIQUE_ID in spec.metadata
    }
    check_keys: dict[str, AssetCheckKey] = {
        (spec.metadata or {})[UNIQUE_ID]: spec.key
        for spec in assets_def.check_specs
        if UNIQUE_ID in (spec.metadata or {})
    }
    invocation = run.results.get("metadata", {}).get("invocation_id", "")
    published = os.environ.get("DUCKDB_PATH", "warehouse/analytics.duckdb")
    results = run.results.get("results", [])
    if run.published:
        for result in results:
            key = asset_keys.get(result["unique_id"])
            if key is None or key not in context.selected_asset_keys:
                continue
            if result.get("status") != "success":
                continue
            adapter = result.get("adapter_response") or {}
            metadata: dict[str, Any] = {
                "dbt unique id": result["unique_id"],
                "dbt invocation id": invocation,
                "execution time (s)": _seconds(result),
                "published warehouse": MetadataValue.path(published),
            }
            if adapter.get("rows_affected") is not None:
                metadata["rows affected"] = int(adapter["rows_affected"])
            yield MaterializeResult(asset_key=key, metadata=metadata)
    for result in results:
        check = check_keys.get(result["unique_id"])
        status = result.get("status")
        if check is None or check not in context.selected_asset_check_keys:
            continue
        if status not in ("pass", "warn", "fail", "error"):
            continue  # skipped: it did not run
        yield AssetCheckResult(
            asset_key=check.asset_key,
            check_name=check.name,
            passed=status == "pass",
            severity=AssetCheckSeverity.WARN if status == "warn" else AssetCheckSeverity.ERROR,
            metadata={
                "dbt status": status,
                "failing rows": int(result.get("failures") or 0),
                "message": " ".join((result.get("message") or "").split())[:500],
                "published": run.published,
                "dbt invocation id": invocation,
            },
        )


@dbt_assets(
    manifest=MANIFEST,
    name=ASSET_NAME,
    dagster_dbt_translator=TRANSLATOR,
    op_tags={"analytics/build": "analytics-build"},
)
def analytics_dbt(context: AssetExecutionContext, config: BuildConfig):
    """Build the selected nodes with `analytics-build` (copy, test, publish all or nothing)."""
    args, env = build_args(context, config)
    context.log.info(f"analytics-build {' '.join(args) or '(the production selector)'}")
    run = run_analytics_build(args, env)
    if run.locked:
        wait = config.retry_wait_seconds * 2**context.retry_number
        context.log.warning(
            f"another build holds the lock; retry {context.retry_number + 1} of "
            f"{config.lock_retries} in {wait:g} s"
        )
        raise RetryRequested(max_retries=config.lock_retries, seconds_to_wait=wait)
    yield from build_events(context, run)
    if not run.published:
        last_lines = run.output.strip().splitlines()[-5:]
        raise Failure(
            description=(
                f"analytics-build exited with {run.returncode}; the published warehouse was "
                "left as it was (not retried: only a busy build lock is)"
            ),
            metadata={
                "failed nodes": MetadataValue.md(
                    "\n".join(f"- {line}" for line in run.failed) or "(none listed)"
                ),
                "last output": MetadataValue.text("\n".join(last_lines)),
            },
            allow_retries=False,
        )
