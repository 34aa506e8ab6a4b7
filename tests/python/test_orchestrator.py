"""The orchestrator (`make orchestrate`, src/analytics/orchestrate/) with Dagster's in-process
APIs on a temporary raw folder, warehouse and Dagster instance (DAGSTER_HOME):

- the sales sensor, ticked by hand: its first tick records what is there, a new sales file
  asks for exactly one run of `sales_build`, which goes through `analytics-build` (the real
  dbt, the real publish) and publishes the new day, equal to the reference implementation;
  the run's materializations and check results are those of that build's run_results.json;
  a tick with nothing new asks for nothing;
- a build lock held by another build is retried with back-off until it is free; an unusable
  file fails the run at once, without a retry, and leaves the published warehouse as it was;
- the Dagster UI (dagster-webserver over that instance) in headless Chromium lists the
  assets and shows the run.

The definitions are imported inside the fixtures: importing them reads the dbt manifest
(parsed first when stale), which `make check`'s collection should not pay for.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium, free_port, keep_screenshot
from conftest import PROJECT_DIR, SAMPLE_RAW_DIR, read_only, stable_env
from reference.sales import compute_sales

pytestmark = [pytest.mark.dbt]

BUILD = str(Path(sys.executable).with_name("analytics-build"))
WEBSERVER = str(Path(sys.executable).with_name("dagster-webserver"))
DAGSTER_YAML = PROJECT_DIR / "src" / "analytics" / "orchestrate" / "dagster.yaml"
FIRST_DAYS = ("2025-09-12", "2025-09-13")
NEW_DAY = "2025-09-14"
CHANNELS = ("web", "mobile", "store")


def copy_sales_days(raw_dir: Path, days: tuple[str, ...]) -> list[Path]:
    """The shipped sample's sales files of these days (every channel) into raw_dir/sales."""
    (raw_dir / "sales").mkdir(parents=True, exist_ok=True)
    return [
        Path(shutil.copy2(SAMPLE_RAW_DIR / "sales" / name, raw_dir / "sales" / name))
        for day in days
        for name in (f"{channel}_{day}.csv" for channel in CHANNELS)
    ]


def new_instance(home: Path) -> Any:
    """A persistent Dagster instance in `home`, configured like `make orchestrate`'s."""
    from dagster import DagsterInstance

    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    return DagsterInstance.from_config(str(home))


@dataclass
class Place:
    """A raw folder, a warehouse and the environment that points the build at them."""

    raw: Path
    database: Path
    env: dict[str, str]

    @property
    def lock(self) -> Path:
        return self.database.parent / ".build" / "build.lock"


@pytest.fixture
def place_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point this process (whose environment the in-process runs hand to analytics-build) at
    a raw folder and warehouse, on the worker's stable paths (conftest.stable_env)."""

    def point(raw: Path, database: Path) -> Place:
        stable = stable_env(raw, database, database.parent, kind="analytics-build")
        env = stable.__enter__()
        entered.append(stable)
        for name in [n for n in os.environ if n not in env]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return Place(raw, stable.database, env)

    entered: list[Any] = []
    yield point
    for stable in entered:
        stable.__exit__(None, None, None)


def plain_build(place: Place) -> subprocess.CompletedProcess[str]:
    """analytics-build of the sales selector, as a person would run it (no orchestrator)."""
    return subprocess.run(
        [BUILD, "--selector", "sales_with_accounting"],
        cwd=PROJECT_DIR,
        env=place.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def daily_sales(database: Path) -> dict[tuple[date, str], tuple[int, int, Any]]:
    with read_only(database) as con:
        rows = con.execute(
            "select sales_date, channel, order_count, units_sold, revenue from marts.daily_sales"
        ).fetchall()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def build_invocations(database: Path) -> list[str]:
    with read_only(database) as con:
        rows = con.execute("select invocation_id from audit.run_history order by 1").fetchall()
    return [r[0] for r in rows]


def events_of(result: Any, kind: str) -> list[Any]:
    return [event for event in result.all_events if event.event_type_value == kind]


@dataclass
class SensorFlow:
    """What the sensor test did, for the UI test to look at."""

    home: Path
    env: dict[str, str]
    run_id: str
    first: Any
    second: Any
    third: Any
    after: Any
    result: Any
    database: Path
    raw: Path
    before: dict[tuple[date, str], tuple[int, int, Any]]
    invocations_before: list[str]
    seconds: float


@pytest.fixture(scope="module")
def sensor_flow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SensorFlow]:
    """Two days of sales published by a plain build; the sensor's first ticks; a third day
    dropped; the tick that sees it; its run executed in process; a tick after it."""
    from dagster import build_sensor_context

    from analytics.orchestrate.definitions import defs
    from analytics.orchestrate.triggers import source_jobs, source_sensor

    folder = tmp_path_factory.mktemp("orchestrator")
    raw, database = folder / "raw", folder / "warehouse" / "analytics.duckdb"
    copy_sales_days(raw, FIRST_DAYS)
    with pytest.MonkeyPatch.context() as monkeypatch:
        stable = stable_env(raw, database, database.parent, kind="analytics-build")
        with stable as env:
            for name in [n for n in os.environ if n not in env]:
                monkeypatch.delenv(name)
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            place = Place(raw, stable.database, env)
            published = plain_build(place)
            assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
            before = daily_sales(database)
            invocations_before = build_invocations(database)

            instance = new_instance(folder / "dagster_home")
            # the sensor as defined, but counting a file at once (no settle time) for the test
            sensor = source_sensor("sales", source_jobs["sales"], settle=0.0)

            def tick(cursor: str | None) -> tuple[Any, str | None]:
                context = build_sensor_context(instance=instance, definitions=defs, cursor=cursor)
                return sensor(context), context.cursor

            first, cursor = tick(None)
            second, cursor = tick(cursor)
            copy_sales_days(raw, (NEW_DAY,))
            third, cursor = tick(cursor)
            started = time.monotonic()
            result = None
            if third is not None and hasattr(third, "run_key"):
                result = defs.resolve_job_def("sales_build").execute_in_process(
                    instance=instance, tags=third.tags, raise_on_error=False
                )
            seconds = time.monotonic() - started
            after, cursor = tick(cursor)
            yield SensorFlow(
                home=folder / "dagster_home",
                env=dict(env),
                run_id=result.run_id if result else "",
                first=first,
                second=second,
                third=third,
                after=after,
                result=result,
                database=database,
                raw=raw,
                before=before,
                invocations_before=invocations_before,
                seconds=seconds,
            )


def test_a_new_sales_file_starts_one_build_that_publishes_the_new_day(
    sensor_flow: SensorFlow,
) -> None:
    from dagster import DagsterInstance, RunRequest, SkipReason

    flow = sensor_flow
    # the first tick records the files and starts nothing; nothing new, nothing asked
    assert isinstance(flow.first, SkipReason) and "6 file(s) recorded" in str(flow.first)
    assert isinstance(flow.second, SkipReason)
    # the new day: one run of the sales job
    assert isinstance(flow.third, RunRequest), flow.third
    assert flow.third.tags["analytics/trigger"] == "sales files"
    assert flow.third.tags["analytics/changes"] == "3"
    assert flow.result is not None and flow.result.success
    # a tick after the run, nothing new: nothing asked
    assert isinstance(flow.after, SkipReason)
    assert "no new or changed file" in str(flow.after)

    # exactly one run in the instance, and exactly one more build in the warehouse
    instance = DagsterInstance.from_config(str(flow.home))
    runs = instance.get_runs()
    assert [run.run_id for run in runs] == [flow.run_id]
    assert runs[0].job_name == "sales_build"
    invocations = build_invocations(flow.database)
    assert len(invocations) == len(flow.invocations_before) + 1
    (new_invocation,) = set(invocations) - set(flow.invocations_before)

    # the new day is published, and every day equals the reference implementation
    assert not any(day == date.fromisoformat(NEW_DAY) for day, _ in flow.before)
    published = daily_sales(flow.database)
    assert {(date.fromisoformat(NEW_DAY), channel) for channel in CHANNELS} <= published.keys()
    assert published == compute_sales(flow.raw).daily_sales

    # the run's events are that build's dbt results: a materialization for each of the 43
    # models and seeds of sales_with_accounting, a passing check for each of its tests
    job = flow.result.job_def
    materialized = {e.asset_key for e in events_of(flow.result, "ASSET_MATERIALIZATION")}
    assert materialized == set(job.asset_layer.selected_asset_keys)
    assert len(materialized) == 43
    checks = [e.event_specific_data for e in events_of(flow.result, "ASSET_CHECK_EVALUATION")]
    assert len(checks) > 90 and all(check.passed for check in checks)
    from dagster import AssetKey

    latest = instance.get_latest_materialization_event(AssetKey(["marts", "daily_sales"]))
    assert latest is not None and latest.run_id == flow.run_id
    metadata = latest.asset_materialization.metadata
    assert metadata["dbt invocation id"].value == new_invocation
    print(f"sensor-triggered sales build: {flow.seconds:.1f} s")


def test_a_busy_lock_is_retried_and_a_data_failure_is_not(tmp_path: Path, place_env: Any) -> None:
    from dagster import DagsterEventType

    from analytics.orchestrate.definitions import defs

    raw, database = tmp_path / "raw", tmp_path / "warehouse" / "analytics.duckdb"
    copy_sales_days(raw, FIRST_DAYS[:1])
    place = place_env(raw, database)
    instance = new_instance(tmp_path / "dagster_home")
    job = defs.resolve_job_def("sales_build")
    config = {
        "ops": {
            "analytics_dbt": {
                "config": {
                    "selector": "sales_with_accounting",
                    "lock_retries": 4,
                    "retry_wait_seconds": 1.0,
                }
            }
        }
    }

    # another build holds the lock; it lets go once the run has been refused once
    place.lock.parent.mkdir(parents=True, exist_ok=True)
    holder = place.lock.open("w")
    fcntl.flock(holder, fcntl.LOCK_EX)
    released = threading.Event()

    def release_after_first_refusal() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for run in instance.get_runs():
                if instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY):
                    fcntl.flock(holder, fcntl.LOCK_UN)
                    released.set()
                    return
            time.sleep(0.2)

    watcher = threading.Thread(target=release_after_first_refusal, daemon=True)
    watcher.start()
    try:
        result = job.execute_in_process(instance=instance, run_config=config, raise_on_error=False)
    finally:
        watcher.join(timeout=5)
        holder.close()
    assert released.is_set()
    assert result.success
    retries = instance.all_logs(result.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY)
    assert 1 <= len(retries) <= 4
    waits = [entry.dagster_event.event_specific_data.seconds_to_wait for entry in retries]
    assert waits == [1.0 * 2**n for n in range(len(waits))]  # back-off: 1 s, 2 s, 4 s, ...
    assert database.exists()
    published = hashlib.sha256(database.read_bytes()).hexdigest()

    # an unusable file (a required column missing): the build fails, no retry, no publish
    (raw / "sales" / f"web_{NEW_DAY}.csv").write_text("order_id,product_id,quantity\nO1,P1,2\n")
    failed = job.execute_in_process(instance=instance, run_config=config, raise_on_error=False)
    assert not failed.success
    assert not instance.all_logs(failed.run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY)
    (failure,) = events_of(failed, "STEP_FAILURE")
    error = failure.event_specific_data.user_failure_data
    assert error is not None
    assert "not retried" in (error.description or "")
    assert f"sales/web_{NEW_DAY}.csv is unusable" in error.metadata["failed nodes"].value
    assert not events_of(failed, "ASSET_MATERIALIZATION")
    assert hashlib.sha256(database.read_bytes()).hexdigest() == published


@pytest.mark.browser
@pytest.mark.server
def test_the_ui_lists_the_assets_and_shows_the_run(sensor_flow: SensorFlow, tmp_path: Path) -> None:
    """dagster-webserver over the sensor test's instance, opened in headless Chromium."""
    port = free_port()
    log = tmp_path / "webserver.log"
    env = {**sensor_flow.env, "DAGSTER_HOME": str(sensor_flow.home)}
    started = time.monotonic()
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                WEBSERVER,
                "-m",
                "analytics.orchestrate.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                f"{port}",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        served = time.monotonic() - started
        with chromium(tmp_path / "profile") as driver:
            wait = WebDriverWait(driver, 60)
            driver.get(f"{url}/assets")
            wait.until(lambda d: "daily_sales" in d.find_element(By.TAG_NAME, "body").text)
            page = driver.find_element(By.TAG_NAME, "body").text
            for name in ("daily_sales", "location_customer_avg", "row_accounting"):
                assert name in page
            shot = tmp_path / "orchestrator_assets.png"
            driver.save_screenshot(str(shot))
            keep_screenshot(shot)

            driver.get(f"{url}/runs")
            short_id = sensor_flow.run_id[:8]
            wait.until(lambda d: short_id in d.find_element(By.TAG_NAME, "body").text)
            page = driver.find_element(By.TAG_NAME, "body").text
            assert "sales_build" in page
            shot = tmp_path / "orchestrator_runs.png"
            driver.save_screenshot(str(shot))
            keep_screenshot(shot)
        print(f"webserver up in {served:.1f} s")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
