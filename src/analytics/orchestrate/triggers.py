"""What starts a build: a sensor per source folder of RAW_DATA_DIR, and a daily schedule.

Each sensor looks at its folder (`bank/`, `trades/`, `sales/`, `streaming/`, `retail/`) every
30 seconds and keeps, as its cursor, the name, size and modification time of every file it
counts. When a file is new, changed or gone, it asks for one run of its source's job (that
source's `<source>_with_accounting` selector: the source, and the row accounting over every
source). A file counts once it has not changed for `SETTLE_SECONDS` (a copy still being written
waits for the next tick); a streaming batch folder counts once it is complete: when the
vendor's `_SUCCESS` marker is in it (docs/development.md, "Sample data"), then with all its
files. The first tick of a sensor (no cursor yet) records what is there and starts nothing:
the files present when the orchestrator is first started are what `make build` or the daily
schedule builds.
"""

import hashlib
import json
import os
import time
from pathlib import Path

from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    sensor,
)
from dagster._core.definitions.unresolved_asset_job_definition import (
    UnresolvedAssetJobDefinition,
)
from dagster_dbt import build_dbt_asset_selection

from analytics.build import DEFAULT_RAW_DATA_DIR, SOURCES
from analytics.orchestrate.assets import ASSET_NAME, analytics_dbt
from analytics.orchestrate.project import PROJECT_DIR

SETTLE_SECONDS = 5.0
SENSOR_INTERVAL_SECONDS = 30
BATCH_COMPLETE = "_SUCCESS"
# The daily full build (the `production` selector), in UTC.
DAILY_CRON = "0 6 * * *"
Fingerprint = dict[str, list[int]]


def raw_data_dir() -> Path:
    """RAW_DATA_DIR as analytics-build reads it (relative to the project folder)."""
    return PROJECT_DIR / os.environ.get("RAW_DATA_DIR", str(DEFAULT_RAW_DATA_DIR))


def source_selector(source: str) -> str:
    return f"{source}_with_accounting"


def _entry(path: Path, now: float, settle: float) -> list[int] | None:
    stat = path.stat()
    if now - stat.st_mtime < settle:
        return None  # still being written, perhaps: counted at a later tick
    return [stat.st_size, stat.st_mtime_ns]


def fingerprint(
    raw_dir: Path, source: str, *, settle: float = SETTLE_SECONDS, now: float | None = None
) -> Fingerprint:
    """{path below the source folder: [size, mtime in ns]} of every file that counts."""
    folder = raw_dir / source
    now = time.time() if now is None else now
    found: Fingerprint = {}
    if not folder.is_dir():
        return found
    if source == "streaming":
        batches = [d for d in sorted(folder.iterdir()) if (d / BATCH_COMPLETE).is_file()]
        for batch in batches:  # complete: every file of it counts, settled or not
            for path in sorted(p for p in batch.rglob("*") if p.is_file()):
                found[str(path.relative_to(folder))] = _entry(path, now, 0.0) or []
        return found
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.startswith("."):
            continue
        entry = _entry(path, now, settle)
        if entry is not None:
            found[str(path.relative_to(folder))] = entry
    return found


def changes(before: Fingerprint, after: Fingerprint) -> list[str]:
    """What changed, one line per file: `+ new`, `~ changed`, `- gone`."""
    lines = [f"+ {name}" for name in sorted(after.keys() - before.keys())]
    lines += [
        f"~ {name}" for name in sorted(after.keys() & before.keys()) if after[name] != before[name]
    ]
    lines += [f"- {name}" for name in sorted(before.keys() - after.keys())]
    return lines


def source_job(source: str) -> UnresolvedAssetJobDefinition:
    selector = source_selector(source)
    return define_asset_job(
        name=f"{source}_build",
        selection=build_dbt_asset_selection([analytics_dbt], dbt_selector=selector),
        description=f"analytics-build --selector {selector}: what a new {source} file needs",
        config={"ops": {ASSET_NAME: {"config": {"selector": selector}}}},
        tags={"analytics/source": source},
    )


full_build_job = define_asset_job(
    name="full_build",
    selection=[analytics_dbt],
    description="analytics-build with no selection: every model, seed and snapshot "
    "(the `production` selector), as `make build` does",
)


def source_sensor(
    source: str, job: UnresolvedAssetJobDefinition, *, settle: float = SETTLE_SECONDS
) -> SensorDefinition:
    @sensor(
        name=f"{source}_files",
        job=job,
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=f"a run of {job.name} when a file in RAW_DATA_DIR/{source}/ is new, "
        "changed or gone"
        + (" (a batch folder once it holds _SUCCESS)" if source == "streaming" else ""),
    )
    def _sensor(context: SensorEvaluationContext) -> RunRequest | SkipReason:
        state = json.loads(context.cursor) if context.cursor else None
        current = fingerprint(raw_data_dir(), source, settle=settle)
        if state is None:
            context.update_cursor(json.dumps({"runs": 0, "files": current}))
            return SkipReason(f"first look at {source}/: {len(current)} file(s) recorded")
        changed = changes(state["files"], current)
        if not changed:
            return SkipReason(f"no new or changed file in {source}/")
        runs = state["runs"] + 1
        context.update_cursor(json.dumps({"runs": runs, "files": current}))
        digest = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:12]
        context.log.info(f"{source}/: " + "; ".join(changed[:20]))
        return RunRequest(
            run_key=f"{source}-{runs}-{digest}",
            tags={"analytics/trigger": f"{source} files", "analytics/changes": str(len(changed))},
        )

    return _sensor


source_jobs = {source: source_job(source) for source in SOURCES}
source_sensors = [source_sensor(source, source_jobs[source]) for source in SOURCES]
daily_schedule = ScheduleDefinition(
    name="daily_full_build",
    job=full_build_job,
    cron_schedule=DAILY_CRON,
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="the full build every day at 06:00 UTC",
)
