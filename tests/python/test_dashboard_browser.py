"""The dashboard (`make dashboard`) in headless Chromium, on the session's sample build.

The app is started once per session (`analytics-dashboard` on a free localhost port, headless,
without usage statistics) over a private copy of the sample warehouse. Every page is opened
and must render without an error, draw its charts and request nothing beyond localhost; the
numbers it shows are compared with the marts, queried here; the outage form must refuse a
bad window and count a good one like a count made in Python; a build published by an atomic
rename must show on the next load, and the app must hold no lock on the file meanwhile.
Screenshots go to output/screenshots/dashboard_<page>.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from browser import chromium, free_port, keep_screenshot, off_machine, requested_urls
from conftest import SampleBuild

pytestmark = [pytest.mark.dbt, pytest.mark.browser, pytest.mark.server]

DASHBOARD = Path(sys.executable).with_name("analytics-dashboard")
FOOTER = "Read-only from"
# Each page's path and how many charts it draws on the sample.
PAGES = {
    "pipeline": ("", 3),
    "bank": ("bank", 1),
    "trades": ("trades", 2),
    "sales": ("sales", 2),
    "streaming": ("streaming", 1),
    "retail": ("retail", 4),
}


@dataclass
class Dashboard:
    url: str
    database: Path
    log: Path


@pytest.fixture(scope="session")
def dashboard(
    sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    """The app on a free port over a private copy of the sample build (a test swaps it)."""
    folder = tmp_path_factory.mktemp("dashboard")
    database = sample_build.copy_to(folder)
    port = free_port()
    log = folder / "streamlit.log"
    env = {**os.environ, "HOME": str(folder), "DUCKDB_PATH": str(database)}
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(DASHBOARD), "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no dashboard after 60 s: {log.read_text()}"
            time.sleep(0.3)
        yield Dashboard(url, database, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        driver.set_window_size(1400, 3200)
        yield driver


# --- reading the page ----------------------------------------------------------------------


def wait_for(
    driver: WebDriver, done: Callable[[], Any], timeout: float = 30, what: str = ""
) -> Any:
    """Poll until `done()` is truthy and the app is not running a script; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        running = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        value = done()
        if value and not running:
            return value
        if time.monotonic() > deadline:
            text = driver.execute_script("return document.body.innerText")
            raise AssertionError(f"timed out waiting for {what or done}; the page says:\n{text}")
        time.sleep(0.2)


def page_text(driver: WebDriver) -> str:
    return str(driver.execute_script("return document.body.innerText"))


def settled(driver: WebDriver) -> None:
    """Wait until the page stops changing: Streamlit loads some elements' code (tables, text
    inputs) only when first shown, after the script has finished."""
    last, same_since = None, time.monotonic()
    deadline = time.monotonic() + 20
    while time.monotonic() - same_since < 0.6:
        assert time.monotonic() < deadline, "the page never settled"
        now = driver.execute_script(
            "return [document.querySelectorAll('[data-testid]').length,"
            " document.body.innerText.length]"
        )
        if now != last:
            last, same_since = now, time.monotonic()
        time.sleep(0.1)


def open_page(driver: WebDriver, dashboard: Dashboard, path: str) -> None:
    driver.get(f"{dashboard.url}/{path}")
    wait_for(driver, lambda: FOOTER in page_text(driver), what=f"page {path!r}")
    settled(driver)


def metrics(driver: WebDriver) -> dict[str, str]:
    """Every st.metric: {label: value as shown}."""
    pairs = driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-testid=\"stMetric\"]')).map(m =>"
        " [m.querySelector('[data-testid=\"stMetricLabel\"]').innerText.trim(),"
        " m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim()])"
    )
    return dict(pairs)


def tables(driver: WebDriver) -> list[tuple[list[str], list[list[str]]]]:
    """Every st.table: (header, rows of cell texts), read in one call."""
    found = driver.execute_script(
        "const text = e => e.innerText.trim();"
        "return Array.from(document.querySelectorAll('[data-testid=\"stTable\"] table')).map(t =>"
        " [Array.from(t.querySelectorAll('thead th')).map(text),"
        " Array.from(t.querySelectorAll('tbody tr')).map(r =>"
        " Array.from(r.querySelectorAll('td')).map(text))])"
    )
    return [(header, rows) for header, rows in found]


def table_with(driver: WebDriver, first_column: str, *more: str) -> list[list[str]]:
    """The rows of the one table whose header starts with these names."""
    wanted = [first_column, *more]
    matches = [rows for header, rows in tables(driver) if header[: len(wanted)] == wanted]
    assert len(matches) == 1, f"{len(matches)} tables with header {wanted}: {tables(driver)}"
    return matches[0]


def shown(value: Any, decimals: int = 2) -> str:
    """A warehouse value as the page must show it (thousands separators, fixed decimals)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal | float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def as_shown(
    rows: list[tuple[Any, ...]], decimals: dict[int, int] | None = None
) -> list[list[str]]:
    decimals = decimals or {}
    return [[shown(v, decimals.get(i, 2)) for i, v in enumerate(row)] for row in rows]


def no_errors(driver: WebDriver) -> None:
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        found = driver.find_elements(By.CSS_SELECTOR, selector)
        assert not found, f"{selector} on the page: {[e.text for e in found]}"


def drawn_charts(driver: WebDriver) -> int:
    """Charts whose Vega view has been drawn (an svg or canvas of non-zero size)."""
    return int(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]'))"
            ".filter(c => Array.from(c.querySelectorAll('svg, canvas'))"
            ".some(e => e.getBoundingClientRect().width > 100"
            " && e.getBoundingClientRect().height > 50)).length"
        )
    )


def type_into(driver: WebDriver, label: str, text: str, enter: bool = True) -> None:
    selector = f'input[aria-label="{label}"]'
    # on a loaded machine a page's inputs can appear after its first elements have settled
    wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, selector), what=label)
    field = driver.find_element(By.CSS_SELECTOR, selector)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text + (Keys.ENTER if enter else ""))


def query(database: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# --- the pages -----------------------------------------------------------------------------


def check_pipeline(driver: WebDriver, db: Path) -> None:
    status, elapsed, started = query(
        db,
        "select status, elapsed_seconds, started_at from audit.run_history"
        " where command = 'build' order by started_at desc limit 1",
    )[0]
    shown_metrics = metrics(driver)
    assert shown_metrics["status"] == status
    assert shown_metrics["duration"] == f"{elapsed:,.1f} s"
    assert shown_metrics["started (UTC)"] == shown(started)
    last = query(
        db,
        "select source_name, files, rows_read, rows_accepted, rows_duplicate, rows_quarantined,"
        " 100 * quarantined_share from marts.data_quality_by_build where invocation_id ="
        " (select max_by(invocation_id, built_at) from marts.data_quality_by_build)"
        " order by source_name",
    )
    assert table_with(driver, "source", "files", "read") == as_shown(last)
    assert [row[0] for row in table_with(driver, "node", "type", "status")] == [
        row[0]
        for row in query(
            db,
            "select node_name from audit.node_history where status not in"
            " ('success', 'pass', 'no-op') order by status, node_name",
        )
    ]
    # The drill-down opens on the largest reason: its rows and their raw text.
    source, reason, rows = query(
        db,
        "select source_name, rejection_reason, rows_quarantined"
        " from marts.quarantine_reasons_by_build order by 3 desc, 1, 2 limit 1",
    )[0]
    assert (source, reason) == ("retail", "invalid_quantity")
    raw = query(
        db,
        "select source_file, record_number, raw_record"
        " from quarantine.quarantine_retail__transactions"
        " where rejection_reason = ? order by source_file, record_number",
        [reason],
    )
    assert len(raw) == rows
    assert metrics(driver)[
        f"rows in quarantine.quarantine_retail__transactions for {reason}"
    ] == str(rows)
    assert table_with(driver, "file", "record number", "raw text") == [
        [file, f"{line:,}", " ".join(text.split())] for file, line, text in raw[:20]
    ]


def check_bank(driver: WebDriver, db: Path) -> None:
    locations, customers, transactions, amount = query(
        db,
        "select count(distinct location), count(distinct customer_id), sum(transaction_count),"
        " sum(sum_amount) from marts.location_customer_avg",
    )[0]
    assert metrics(driver) == {
        "locations": shown(locations),
        "customers": shown(customers),
        "transactions": shown(transactions),
        "amount": f"{amount:,.2f} INR",
    }
    by_location = query(
        db,
        "select location, count(*), sum(transaction_count), sum(sum_amount),"
        " round(sum(sum_amount) / sum(transaction_count), 2) from marts.location_customer_avg"
        " group by 1 order by 4 desc, 1",
    )
    assert table_with(driver, "location", "customers") == as_shown(by_location[:50])


def check_trades(driver: WebDriver, db: Path) -> None:
    totals = query(
        db,
        "select client_type, count(distinct user_id), sum(trade_count), sum(total_volume),"
        " sum(total_pnl) from marts.weekly_trades group by 1 order by 1",
    )
    assert table_with(driver, "client type", "users") == as_shown(totals)
    assert metrics(driver)["trades"] == shown(sum(row[2] for row in totals))
    assert metrics(driver)["net cash flow"] == f"{sum(row[4] for row in totals):,.2f} ¤"
    for by, label in (("volume", "By volume"), ("pnl", "By net cash flow (PnL)")):
        expected = query(
            db,
            "select client_rank, cast(user_id as varchar), total_volume, total_pnl, trade_count"
            f" from marts.top_bronze_clients_by_{by} order by 1, 2",
        )
        rows = [rows for header, rows in tables(driver) if header[:2] == ["rank", "user"]]
        assert as_shown(expected) in rows, label
    assert "not a profit" in page_text(driver)


def check_sales(driver: WebDriver, db: Path) -> None:
    totals = query(
        db,
        "select channel, count(*), sum(order_count), sum(units_sold), sum(revenue)"
        " from marts.daily_sales group by 1 order by 1",
    )
    assert table_with(driver, "channel", "days") == as_shown(totals)
    assert metrics(driver)["revenue"] == f"{sum(row[4] for row in totals):,.2f} ¤"
    top5 = query(
        db,
        "select sales_date, product_rank, product_id, units_sold, revenue"
        " from marts.daily_top_products where sales_date = (select max(sales_date)"
        " from marts.daily_top_products) order by 2",
    )
    assert len(top5) == 5
    assert table_with(driver, "date", "rank", "product") == as_shown(top5)
    buttons = [
        b.text for b in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDownloadButton"]')
    ]
    day = top5[0][0].isoformat()
    assert (
        f"Download daily_sales_{day}.csv" in buttons
        and f"Download top5_products_{day}.csv" in buttons
    )


def check_streaming(driver: WebDriver, db: Path) -> None:
    kpis = query(
        db,
        "select stream_month, pct_streams_based_on_books, singaporean_book_movies_streamed,"
        " avg_stream_duration_minutes, median_stream_size_gib, users_watched_half_last_week"
        " from marts.streaming_monthly_kpis order by 1",
    )
    assert len(kpis) >= 2
    assert table_with(driver, "month") == as_shown(kpis, {4: 6})


def check_retail(driver: WebDriver, db: Path) -> None:
    regions = query(
        db,
        "select region, sum(transaction_count), sum(units_sold), sum(revenue)"
        " from marts.regional_monthly_metrics group by 1 order by 4 desc, 1",
    )
    categories = query(
        db,
        "select product_category, sum(transaction_count), sum(units_sold), sum(revenue)"
        " from marts.category_monthly_trends group by 1 order by 4 desc, 1",
    )
    segments = query(
        db,
        "select segment, count(*), sum(monetary), round(avg(frequency), 2),"
        " round(avg(recency_days), 1) from marts.customer_segments group by 1 order by 2 desc, 1",
    )
    assert len(categories) >= 9
    assert table_with(driver, "region", "transactions") == as_shown(regions)
    assert table_with(driver, "category", "transactions") == as_shown(categories)
    assert table_with(driver, "segment", "customers") == as_shown(segments, {3: 2, 4: 1})
    assert metrics(driver)["revenue"] == f"{sum(row[3] for row in regions):,.2f} ¤"


CHECKS = {
    "pipeline": check_pipeline,
    "bank": check_bank,
    "trades": check_trades,
    "sales": check_sales,
    "streaming": check_streaming,
    "retail": check_retail,
}


def test_every_page_renders_offline_without_an_error_and_shows_the_marts_numbers(
    dashboard: Dashboard, browser: WebDriver, tmp_path: Path
) -> None:
    requested_urls(browser)  # start the network log here
    for name, (path, charts) in PAGES.items():
        open_page(browser, dashboard, path)
        wait_for(browser, lambda c=charts: drawn_charts(browser) >= c, what=f"{name}'s charts")
        no_errors(browser)
        assert drawn_charts(browser) == charts, name
        CHECKS[name](browser, dashboard.database)
        screenshot = tmp_path / f"dashboard_{name}.png"
        browser.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 50_000
        keep_screenshot(screenshot)
    urls = requested_urls(browser)
    assert any(url.startswith(dashboard.url) for url in urls)
    assert off_machine(urls) == []


def users_streaming_during(db: Path, start: datetime, end: datetime) -> int:
    """The outage answer counted here, in Python, from the current streams."""
    streams = query(db, "select user_id, start_at, end_at from staging.stg_streaming__streams")
    return len({user for user, s, e in streams if s <= end and e >= start})


def test_the_outage_form_refuses_a_bad_window_and_counts_a_good_one(
    dashboard: Dashboard, browser: WebDriver
) -> None:
    open_page(browser, dashboard, "streaming")

    def ask(start: str, end: str, answer: str) -> None:
        """Submit a window and wait for the answer that names it (not the previous one)."""
        type_into(browser, "Outage start", start, enter=False)
        type_into(browser, "Outage end", end, enter=False)
        browser.find_element(By.XPATH, "//button[.//p[text()='Count the affected users']]").click()
        wait_for(browser, lambda: answer in page_text(browser), what=answer)

    # The end before the start.
    ask("2024-01-31 22:00:00", "2024-01-31 20:00:00", "is before its start")
    errors = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stAlertContentError"]')
    assert [e.text for e in errors] == [
        "Not counted: the outage end (2024-01-31 20:00:00 UTC) is before its start"
        " (2024-01-31 22:00:00 UTC): give an end after the start."
    ]
    assert "users affected" not in metrics(browser)
    # No such day.
    ask("2024-02-30 20:00", "2024-03-01 20:00", "'2024-02-30 20:00' is not a timestamp")
    assert "users affected" not in metrics(browser)

    counts = []
    for start_text, end_text, start, end in (
        (
            "2024-01-31 20:00",
            "2024-01-31 22:00",
            datetime(2024, 1, 31, 20),
            datetime(2024, 1, 31, 22),
        ),
        (
            "2024-03-01",
            "2024-03-31 23:59:59",
            datetime(2024, 3, 1),
            datetime(2024, 3, 31, 23, 59, 59),
        ),
        # an offset: 09:00 at +08:00 is 01:00 UTC
        (
            "2024-03-01T09:00:00+08:00",
            "2024-03-31T23:59:59Z",
            datetime(2024, 3, 1, 1),
            datetime(2024, 3, 31, 23, 59, 59),
        ),
    ):
        ask(start_text, end_text, f"From {start:%Y-%m-%d %H:%M:%S} to {end:%Y-%m-%d %H:%M:%S} UTC")
        no_errors(browser)
        counts.append(users_streaming_during(dashboard.database, start, end))
        assert metrics(browser)["users affected"] == shown(counts[-1])
    assert max(counts) > 0


def test_the_bank_search_finds_a_city_and_a_customer(
    dashboard: Dashboard, browser: WebDriver
) -> None:
    open_page(browser, dashboard, "bank")
    type_into(browser, "City (any part of the name)", "mumbai")
    expected = query(
        dashboard.database,
        "select location, count(*), sum(transaction_count), sum(sum_amount),"
        " round(sum(sum_amount) / sum(transaction_count), 2) from marts.location_customer_avg"
        " where location ilike '%mumbai%' group by 1 order by 4 desc, 1",
    )
    assert len(expected) >= 2  # MUMBAI, NAVI MUMBAI, ...
    wait_for(
        browser,
        lambda: table_with(browser, "location", "customers") == as_shown(expected),
        what="the locations matching mumbai",
    )
    customer = query(
        dashboard.database,
        "select location, customer_id, transaction_count, sum_amount, avg_amount"
        " from marts.location_customer_avg where location ilike '%mumbai%'"
        " order by sum_amount desc, location, customer_id limit 1",
    )[0]
    type_into(browser, "Customer id (any part of it)", customer[1].lower())
    wait_for(
        browser,
        lambda: table_with(browser, "location", "customer")[:1] == as_shown([customer]),
        what=f"customer {customer[1]}",
    )
    no_errors(browser)


def test_a_published_build_shows_on_the_next_load_and_no_lock_is_held(
    dashboard: Dashboard, browser: WebDriver, tmp_path: Path
) -> None:
    """What analytics-build does: a finished copy renamed over the file. The app holds no
    connection (a writer can open the file while it serves), and shows the new file next."""
    open_page(browser, dashboard, "bank")
    wait_for(browser, lambda: "locations" in metrics(browser), what="the bank metrics")
    before = metrics(browser)["locations"]
    with duckdb.connect(str(dashboard.database)) as writer:  # fails if anyone holds the file
        writer.execute("select 1").fetchall()
    original = tmp_path / "original.duckdb"
    shutil.copyfile(dashboard.database, original)
    new_build = dashboard.database.with_name("new_build.duckdb")
    shutil.copyfile(dashboard.database, new_build)
    with duckdb.connect(str(new_build)) as con:
        con.execute(
            "insert into marts.location_customer_avg values ('TESTVILLE', 'C0', 1.00, 1, 1.00)"
        )
    try:
        os.replace(new_build, dashboard.database)
        open_page(browser, dashboard, "bank")
        assert metrics(browser)["locations"] == shown(int(before) + 1)
        assert ["TESTVILLE", "1", "1", "1.00", "1.00"] in table_with(
            browser, "location", "customers"
        )
    finally:
        os.replace(original, dashboard.database)
    open_page(browser, dashboard, "bank")
    assert metrics(browser)["locations"] == before
