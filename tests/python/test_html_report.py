"""`analytics-report html` on a warehouse built from the shipped sample (every source system has
data), then on a copy with small sales and retail marts added, the trades mart emptied and the
streaming mart dropped, and on one with hand-made streaming KPIs; once in headless Chromium
with a screenshot.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from analytics.reports import cli
from analytics.reports.html import CHART_NAMES, STREAMING_KPIS
from browser import chromium, keep_screenshot, off_machine, requested_urls
from conftest import DocsSite

pytestmark = pytest.mark.dbt

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render(database: Path, out: Path) -> str:
    assert cli.main(["--database", str(database), "html", "--output-dir", str(out)]) == 0
    return (out / "report.html").read_text(encoding="utf-8")


def charts(out: Path) -> set[str]:
    return {p.stem for p in (out / "charts").glob("*.png")}


def cell(value: object) -> str:
    return f'<td class="number">{value}</td>'


def streaming_row(month: object, *values: str | None) -> str:
    """A row of the streaming KPI table: the month, then each KPI (None: an empty cell)."""
    cells = "".join("<td></td>" if v is None else cell(v) for v in values)
    return f"<tr><td>{month}</td>{cells}</tr>"


@pytest.fixture
def sample_warehouse(docs_site: DocsSite) -> Path:
    """The session's dbt build of the shipped sample (shared with the docs tests: one build)."""
    return docs_site.database


@pytest.mark.browser
def test_report_of_the_sample_has_the_source_and_pipeline_charts_and_no_data_notes(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "output"
    page = render(sample_warehouse, out)
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        trades = con.execute(
            "select client_type, count(distinct user_id), sum(trade_count), sum(total_volume),"
            " sum(total_pnl) from marts.weekly_trades group by all order by 1"
        ).fetchall()
        accounting = con.execute(
            "select source_name, rows_read, rows_accepted, rows_quarantined"
            " from marts.data_quality_by_build"
            " where source_name in ('bank', 'retail', 'sales', 'trades') order by source_name"
        ).fetchall()
        conflicting = con.execute(
            "select rows_quarantined from marts.quarantine_reasons_by_build"
            " where source_name = 'bank' and rejection_reason = 'conflicting_duplicate'"
        ).fetchone()
        not_passed = con.execute(
            "select node_name, status from audit.node_history where invocation_id ="
            " (select invocation_id from audit.run_history order by started_at desc limit 1)"
            " and status not in ('success', 'pass', 'no-op') order by all"
        ).fetchall()
        bank = con.execute(
            "select count(distinct location), count(distinct customer_id),"
            " sum(transaction_count), sum(sum_amount) from marts.location_customer_avg"
        ).fetchone()
        top_location = con.execute(
            "select location, count(*), sum(transaction_count), sum(sum_amount),"
            " round(sum(sum_amount) / sum(transaction_count), 2)"
            " from marts.location_customer_avg group by 1 order by 4 desc, 1 limit 1"
        ).fetchone()
        reasons = con.execute(
            "select count(*), sum(rows_quarantined) from marts.quarantine_reasons_by_build"
        ).fetchone()
        top_reasons = con.execute(
            "select source_name, rejection_reason, rows_quarantined"
            " from marts.quarantine_reasons_by_build order by 3 desc, 1, 2 limit 12"
        ).fetchall()
        streaming = con.execute(
            "select stream_month, "
            + ", ".join(name for name, _, _ in STREAMING_KPIS)
            + " from marts.streaming_monthly_kpis order by 1"
        ).fetchall()

    # Section headings, in order.
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == [
        "Source systems at a glance",
        "Pipeline health",
        "Bank transactions (seed 000)",
        "Trades (seed 001)",
        "Multi-channel sales (seed 002)",
        "Streaming vendor feed (seed 003)",
        "Retail at scale (seed 004)",
    ]
    # The sample's numbers: 3 client types; bank 300 rows read, sales 360, trades 137.
    assert [row[0] for row in trades] == ["bronze", "gold", "silver"]
    assert accounting == [
        ("bank", 300, 206, 86),
        ("retail", 400, 266, 119),
        ("sales", 360, 255, 88),
        ("trades", 137, 91, 40),
    ]
    for client_type, users, trade_count, volume, pnl in trades:
        row = (
            f"<tr><td>{client_type}</td>{cell(users)}{cell(trade_count)}"
            f"{cell(f'{volume:,.2f}')}{cell(f'{pnl:,.2f}')}</tr>"
        )
        assert row in page
    assert "<tr><td>bronze</td>" + cell(9) + cell(68) in page
    assert cell("-61,544,952.81") in page  # the sum of the weekly cents
    assert f"<td>bank</td>{cell(3)}{cell(300)}{cell(206)}{cell(8)}{cell(86)}" in page
    assert f"<td>trades</td>{cell(3)}{cell(137)}{cell(91)}{cell(6)}{cell(40)}" in page
    assert f"<td>sales</td>{cell(9)}{cell(360)}{cell(255)}{cell(17)}{cell(88)}" in page
    assert f"<td>bank</td><td>conflicting_duplicate</td>{cell(conflicting[0])}" in page
    # Bank: the totals and the first location, in INR.
    locations, customers, transactions, amount = bank
    assert (
        f"<tr>{cell(locations)}{cell(customers)}{cell(f'{transactions:,}')}"
        f"{cell(f'{amount:,.2f}')}</tr>" in page
    )
    assert "<th>amount (INR)</th>" in page and "<th>average transaction (INR)</th>" in page
    name, loc_customers, loc_transactions, loc_amount, loc_average = top_location
    assert (
        f"<tr><td>{name}</td>{cell(loc_customers)}{cell(loc_transactions)}"
        f"{cell(f'{loc_amount:,.2f}')}{cell(f'{loc_average:,.2f}')}</tr>" in page
    )
    # Quarantine reasons: the top 12 and one line for the others, not 70 lines.
    assert reasons[0] > 12
    for source, reason, rows in top_reasons:
        assert f"<tr><td>{source}</td><td>{reason}</td>{cell(rows)}</tr>" in page
    shown = sum(rows for _, _, rows in top_reasons)
    assert (
        f"<tr><td>other</td><td>other ({reasons[0] - 12} more)</td>"
        f"{cell(f'{reasons[1] - shown:,}')}</tr>" in page
    )
    # PnL is explained as the signed cash it is; amounts without a named currency say so.
    assert "negative for buys and positive for sells" in page and "not a profit" in page
    assert "<th>net cash flow (total PnL, ¤)</th>" in page
    assert "the data contract does not name it" in page
    # Streaming: one table row per month of the mart, each KPI with its decimals.
    assert len(streaming) >= 2
    for month, *values in streaming:
        shown = [
            None if v is None else f"{v:,.{places}f}" if places else f"{v:,}"
            for v, (_, _, places) in zip(values, STREAMING_KPIS, strict=True)
        ]
        assert streaming_row(month, *shown) in page
    for source in ("trades", "sales", "streaming", "retail"):
        assert page.count(f"No data for {source}") == 0
    assert "no table yet" not in page and "no data yet" not in page
    # The sample warns on purpose (unmapped nationality spellings, streams of users the feed
    # never delivered): the log lists each warning, and nothing failed.
    assert "Every node of the last run passed." not in page
    assert "Log of the last run: nodes that did not pass" in page
    assert {status for _, status in not_passed} == {"warn"}
    assert "streaming_author_nationality_is_mapped" in {node for node, _ in not_passed}
    for node, status in not_passed:
        assert f"<td>{node}</td>" in page and f"<td>{status}</td>" in page

    # Self-contained: every image is an embedded PNG, nothing is loaded from anywhere.
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    drawn = {
        "pipeline_build_durations",
        "pipeline_rows_per_source",
        "pipeline_quarantine_reasons",
        "bank_top_locations",
        "trades_weekly_volume",
        "trades_pnl_distribution",
        "sales_daily_by_channel",
        "sales_top_products",
        "streaming_kpis_by_month",
        "retail_regional_revenue",
        "retail_category_revenue",
    }
    assert len(images) == len(drawn)
    assert charts(out) == drawn
    for name in drawn:
        png = (out / "charts" / f"{name}.png").read_bytes()
        assert png.startswith(PNG_SIGNATURE)
        assert base64.b64encode(png).decode() in images

    # One look in headless Chromium, offline.
    screenshot = tmp_path / "html_report.png"
    with chromium(tmp_path / "profile") as driver:
        driver.set_window_size(1200, 2400)
        driver.get((out / "report.html").as_uri())
        loaded = driver.execute_script(
            "return Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)"
        )
        title = driver.title
        text = driver.execute_script("return document.body.innerText")
        driver.save_screenshot(str(screenshot))
        urls = requested_urls(driver)
    assert title == "Analytics report"
    assert loaded == [True] * len(drawn)
    assert "Streaming KPIs by month" in text
    assert off_machine(urls) == []
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
    assert screenshot.stat().st_size > 50_000
    keep_screenshot(screenshot)


SALES_AND_RETAIL = """
create schema if not exists marts;
create or replace table marts.daily_sales (
    sales_date date, channel varchar, order_count bigint, units_sold bigint,
    revenue decimal(38, 2), updated_at timestamp);
insert into marts.daily_sales values
    ('2024-03-01', 'web', 10, 25, 1250.50, now()), ('2024-03-01', 'store', 4, 9, 300.00, now()),
    ('2024-03-02', 'web', 12, 30, 1500.25, now()), ('2024-03-02', 'mobile', 7, 7, 99.99, now());
create or replace table marts.daily_top_products (
    sales_date date, product_rank integer, product_id varchar, units_sold bigint,
    revenue decimal(38, 2), updated_at timestamp);
insert into marts.daily_top_products values
    ('2024-03-01', 1, 'P-100', 20, 1000.00, now()), ('2024-03-01', 2, 'P-200', 5, 250.50, now()),
    ('2024-03-02', 1, 'P-100', 18, 900.00, now());
drop table marts.streaming_monthly_kpis;
create or replace table marts.regional_monthly_metrics (
    transaction_month date, region varchar, transaction_count bigint, units_sold bigint,
    revenue decimal(18, 2));
insert into marts.regional_monthly_metrics values
    ('2024-01-01', 'North', 100, 250, 12345.67), ('2024-01-01', 'South', 40, 80, 2000.00),
    ('2024-02-01', 'North', 110, 260, 13000.00);
create or replace table marts.category_monthly_trends (
    transaction_month date, product_category varchar, transaction_count bigint,
    units_sold bigint, revenue decimal(18, 2));
insert into marts.category_monthly_trends values
    ('2024-01-01', 'Books', 60, 120, 4000.00), ('2024-02-01', 'Books', 70, 140, 4500.00);
create or replace table marts.customer_segments (
    customer_id varchar, segment varchar, monetary decimal(18, 2), frequency bigint,
    recency_days integer);
insert into marts.customer_segments values
    ('C1', 'champions', 900.00, 5, 2), ('C2', 'champions', 100.00, 3, 4),
    ('C3', 'at_risk', 5.50, 1, 90);
delete from marts.weekly_trades;
"""


def test_report_draws_the_sources_that_have_data_and_notes_the_empty_ones(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    database = tmp_path / "more_sources.duckdb"
    shutil.copy2(sample_warehouse, database)
    with duckdb.connect(str(database)) as con:
        con.execute(SALES_AND_RETAIL)
    out = tmp_path / "output"
    # A chart left by an earlier run for a source that now has no data is removed.
    (out / "charts").mkdir(parents=True)
    (out / "charts" / "trades_weekly_volume.png").write_bytes(PNG_SIGNATURE)

    page = render(database, out)

    assert page.count("No data for trades yet: the table marts.weekly_trades is empty.") == 1
    assert (
        page.count(
            "No data for streaming yet: the table marts.streaming_monthly_kpis is not in this"
            " warehouse."
        )
        == 1
    )
    assert "<td>streaming</td><td>marts.streaming_monthly_kpis</td><td>no table yet</td>" in page
    assert "No data for sales" not in page and "No data for retail" not in page
    # sales: totals per channel, top products over the days in the top list
    assert f"<td>web</td>{cell(2)}{cell(22)}{cell(55)}{cell('2,750.75')}" in page
    assert f"<td>mobile</td>{cell(1)}{cell(7)}{cell(7)}{cell('99.99')}" in page
    assert f"<td>P-100</td>{cell(2)}{cell(38)}{cell('1,900.00')}" in page
    # retail: regions by revenue, categories, segments
    assert f"<td>North</td>{cell(210)}{cell(510)}{cell('25,345.67')}" in page
    assert f"<td>South</td>{cell(40)}{cell(80)}{cell('2,000.00')}" in page
    assert f"<td>Books</td>{cell(130)}{cell(260)}{cell('8,500.00')}" in page
    assert f"<td>champions</td>{cell(2)}{cell('1,000.00')}{cell('4.00')}{cell('3.0')}" in page
    assert charts(out) == {
        "pipeline_build_durations",
        "pipeline_rows_per_source",
        "pipeline_quarantine_reasons",
        "bank_top_locations",
        "sales_daily_by_channel",
        "sales_top_products",
        "retail_regional_revenue",
        "retail_category_revenue",
    }
    assert charts(out) < set(CHART_NAMES)
    for png in (out / "charts").glob("*.png"):
        assert png.read_bytes().startswith(PNG_SIGNATURE)
        assert png.stat().st_size > 5_000


STREAMING_KPIS_BY_HAND = """
delete from marts.streaming_monthly_kpis;
insert into marts.streaming_monthly_kpis values
    ('2024-01-01', 3.13, 2, 1234.5, 0.000063, 1250),
    ('2024-02-01', null, 0, null, null, 0),
    ('2024-03-01', 100.00, 0, 0.01, 1.5, 7);
"""


def test_report_shows_each_streaming_kpi_by_month_and_months_without_streams(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    """The wide mart (one column per KPI) as one small chart per KPI and one table; a month
    without streams has empty cells and zero counts; the median keeps its 6 decimals."""
    database = tmp_path / "streaming.duckdb"
    shutil.copy2(sample_warehouse, database)
    with duckdb.connect(str(database)) as con:
        con.execute(STREAMING_KPIS_BY_HAND)
    out = tmp_path / "output"

    page = render(database, out)

    streaming = page[page.index('<section id="streaming">') :]
    streaming = streaming[: streaming.index("</section>")]
    assert "<caption>KPIs by month</caption>" in streaming
    header = "".join(f"<th>{html.escape(label)}</th>" for _, label, _ in STREAMING_KPIS)
    assert f"<th>month</th>{header}" in streaming
    assert streaming_row("2024-01-01", "3.13", "2", "1,234.50", "0.000063", "1,250") in streaming
    assert streaming_row("2024-02-01", None, "0", None, None, "0") in streaming
    assert streaming_row("2024-03-01", "100.00", "0", "0.01", "1.500000", "7") in streaming
    assert "No data for streaming" not in page
    png = (out / "charts" / "streaming_kpis_by_month.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    assert base64.b64encode(png).decode() in streaming
