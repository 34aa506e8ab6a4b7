"""`analytics-report html`: one self-contained HTML report with charts, from the published marts.

Writes ``report.html`` (charts embedded as base64 PNG, inline CSS, no script, no external file:
it opens offline) and a PNG copy of every chart in ``charts/`` next to it. Each section reads
its marts only when they exist and have rows, and otherwise says plainly that its source system
has no table or no data yet, so the report works on whatever sources the warehouse holds.

Sections: the pipeline's health (build durations over time, the last runs and their slowest and
failing nodes, rows per source and quarantined rows per reason in the last build), then one per
source system: trades (weekly volume and PnL distribution by client type), sales (daily orders
and revenue by channel, top products), streaming (the seed's KPIs by month, one small chart
each, and their table), retail (revenue by region and by product category per month, customer
segments).
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analytics.reports.common import (
    ReportError,
    connect_read_only,
    database_path,
    output_file,
)

DEFAULT_OUTPUT_DIR = Path("output")
REPORT_NAME = "report.html"
CHARTS_DIR = "charts"

# The marts each source system's section reads (the first is the one the note names).
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "trades": ("marts.weekly_trades",),
    "sales": ("marts.daily_sales", "marts.daily_top_products"),
    "streaming": ("marts.streaming_monthly_kpis",),
    "retail": (
        "marts.regional_monthly_metrics",
        "marts.category_monthly_trends",
        "marts.customer_segments",
    ),
}
# Every chart the report can draw: a run removes the PNGs of charts it did not draw this time,
# so that output/charts/ never shows a stale chart of a source that has no data any more.
CHART_NAMES = (
    "pipeline_build_durations",
    "pipeline_rows_per_source",
    "pipeline_quarantine_reasons",
    "trades_weekly_volume",
    "trades_pnl_distribution",
    "sales_daily_by_channel",
    "sales_top_products",
    "streaming_kpis_by_month",
    "retail_regional_revenue",
    "retail_category_revenue",
)
# The columns of marts.streaming_monthly_kpis after month_start_date, with their labels and the
# decimals the table shows (the median is in GB, to 6 decimals in the mart).
STREAMING_KPIS: tuple[tuple[str, str, int], ...] = (
    ("pct_streams_based_on_books", "streams of movies based on books (%)", 2),
    ("singaporean_book_movies_streamed", "movies of Singaporean authors' books streamed", 0),
    ("avg_stream_duration_minutes", "average stream duration (minutes)", 2),
    ("median_stream_size_gb", "median stream size (GB)", 6),
    ("users_watched_half_last_week", "users who watched half a movie in the last week", 0),
)
PALETTE = ("#2E8B57", "#5B8DEF", "#E4572E", "#8E7CC3", "#F2A541", "#3BB3C3", "#7A7A7A")


@dataclass
class Chart:
    name: str
    caption: str
    png: bytes


@dataclass
class Table:
    caption: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    # decimals shown per column index, for non-integer numbers (default 2)
    decimals: dict[int, int] = field(default_factory=dict)


@dataclass
class Section:
    anchor: str
    title: str
    intro: str = ""
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def row_count(con: duckdb.DuckDBPyConnection, relation: str) -> int | None:
    """Rows in schema.table, or None when the table (or view) does not exist."""
    schema, name = relation.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    if not exists or exists[0] == 0:
        return None
    counted = con.execute(f"select count(*) from {relation}").fetchone()
    return int(counted[0]) if counted else 0


def no_data_note(source: str, relation: str, rows: int | None) -> str | None:
    """The plain note a section shows when its table is missing or empty; None when it has rows."""
    if rows is None:
        return f"No data for {source} yet: the table {relation} is not in this warehouse."
    if rows == 0:
        return f"No data for {source} yet: the table {relation} is empty."
    return None


def query(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


# --- formatting ----------------------------------------------------------------------------


def fmt(value: Any, decimals: int = 2) -> str:
    """A cell: integers with thousands separators, other numbers to `decimals` decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal | float):
        return f"{value:,.{decimals}f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def png_of(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def series_by(
    rows: list[tuple[Any, ...]],
) -> dict[str, tuple[list[Any], list[float]]]:
    """(x, group, y) rows to one (xs, ys) series per group, in row order."""
    series: dict[str, tuple[list[Any], list[float]]] = {}
    for x, group, y in rows:
        xs, ys = series.setdefault(str(group), ([], []))
        xs.append(x)
        ys.append(float(y or 0))
    return series


def symlog_label(value: float) -> str:
    """0, or a signed power of ten in mathtext (e.g. -10^5)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    return f"${sign}10^{{{round(math.log10(abs(value)))}}}$"


def line_chart(
    name: str, caption: str, rows: list[tuple[Any, ...]], ylabel: str, *, markers: bool = True
) -> Chart:
    figure, axes = plt.subplots(figsize=(9, 4))
    for index, (group, (xs, ys)) in enumerate(series_by(rows).items()):
        axes.plot(
            xs,
            ys,
            marker="o" if markers else None,
            color=PALETTE[index % len(PALETTE)],
            label=group,
        )
    axes.set_title(caption)
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    figure.autofmt_xdate()
    return Chart(name, caption, png_of(figure))


def barh_chart(
    name: str,
    caption: str,
    labels: list[str],
    values: list[float],
    xlabel: str,
    colour: str = PALETTE[0],
) -> Chart:
    figure, axes = plt.subplots(figsize=(9, max(2.5, 0.35 * len(labels) + 1)))
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=colour)
    axes.set_yticks(positions, labels, fontsize="small")
    axes.invert_yaxis()
    axes.set_title(caption)
    axes.set_xlabel(xlabel)
    axes.grid(axis="x", alpha=0.3)
    return Chart(name, caption, png_of(figure))


# --- sections ------------------------------------------------------------------------------


def pipeline_section(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section(
        "pipeline",
        "Pipeline health",
        "Every dbt build, how long it took and how it ended (audit.run_history and "
        "audit.node_history), and where the rows of the last build went "
        "(marts.data_quality_by_build, marts.quarantine_reasons_by_build).",
    )
    runs = row_count(con, "audit.run_history")
    note = no_data_note("the run history", "audit.run_history", runs)
    if note:
        section.notes.append(note)
    else:
        builds = query(
            con,
            "select started_at, status, elapsed_seconds from audit.run_history"
            " where command = 'build' order by started_at",
        )
        if builds:
            figure, axes = plt.subplots(figsize=(9, 3.5))
            xs = [row[0] for row in builds]
            axes.plot(xs, [row[2] for row in builds], color="#7A7A7A", linewidth=1)
            for status, colour in (("success", PALETTE[0]), ("error", PALETTE[2])):
                points = [(row[0], row[2]) for row in builds if row[1] == status]
                if points:
                    axes.scatter(*zip(*points, strict=True), color=colour, label=status, zorder=3)
            if len(set(xs)) == 1:  # one build: a window of an hour around it, not years
                axes.set_xlim(xs[0] - timedelta(minutes=30), xs[0] + timedelta(minutes=30))
            locator = mdates.AutoDateLocator()
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            axes.set_title("Build durations over time")
            axes.set_ylabel("seconds")
            axes.set_ylim(bottom=0)
            axes.grid(alpha=0.3)
            axes.legend(fontsize="small")
            figure.autofmt_xdate()
            section.charts.append(
                Chart("pipeline_build_durations", "Build durations over time", png_of(figure))
            )
        section.tables.append(
            Table(
                "Last runs",
                ("started at", "command", "status", "seconds", "nodes", "failed"),
                query(
                    con,
                    "select started_at, command, status, elapsed_seconds, nodes_total,"
                    " nodes_failed from audit.run_history order by started_at desc limit 10",
                ),
            )
        )
        last = "(select invocation_id from audit.run_history order by started_at desc limit 1)"
        section.tables.append(
            Table(
                "Slowest nodes of the last run",
                ("node", "type", "status", "seconds", "rows"),
                query(
                    con,
                    "select node_name, resource_type, status, elapsed_seconds, rows_affected"
                    f" from audit.node_history where invocation_id = {last}"
                    " order by elapsed_seconds desc, node_name limit 10",
                ),
            )
        )
        problems = query(
            con,
            "select node_name, resource_type, status, message from audit.node_history"
            f" where invocation_id = {last}"
            " and status not in ('success', 'pass', 'no-op') order by status, node_name",
        )
        if problems:
            section.tables.append(
                Table(
                    "Log of the last run: nodes that did not pass",
                    ("node", "type", "status", "message"),
                    problems,
                )
            )
        else:
            section.notes.append("Every node of the last run passed.")

    accounting = row_count(con, "marts.data_quality_by_build")
    note = no_data_note("the data quality history", "marts.data_quality_by_build", accounting)
    if note:
        section.notes.append(note)
    else:
        latest = query(
            con,
            "select source_name, files, rows_read, rows_accepted, rows_duplicate,"
            " rows_quarantined, 100 * quarantined_share from marts.data_quality_by_build"
            " where invocation_id = (select invocation_id from marts.data_quality_by_build"
            " order by built_at desc limit 1) order by source_name",
        )
        figure, axes = plt.subplots(figsize=(9, max(2.5, 0.6 * len(latest) + 1)))
        names = [row[0] for row in latest]
        left = [0.0] * len(latest)
        for index, label in ((3, "accepted"), (4, "duplicate"), (5, "quarantined")):
            values = [float(row[index]) for row in latest]
            axes.barh(names, values, left=left, label=label, color=PALETTE[index - 3])
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.invert_yaxis()
        axes.set_title("Rows per source in the last build")
        axes.set_xlabel("rows read")
        axes.legend(fontsize="small")
        section.charts.append(
            Chart("pipeline_rows_per_source", "Rows per source in the last build", png_of(figure))
        )
        section.tables.append(
            Table(
                "Rows per source in the last build",
                (
                    "source",
                    "files",
                    "read",
                    "accepted",
                    "duplicate",
                    "quarantined",
                    "quarantined %",
                ),
                latest,
            )
        )

    reasons = row_count(con, "marts.quarantine_reasons_by_build")
    note = no_data_note("quarantine reasons", "marts.quarantine_reasons_by_build", reasons)
    if note:
        section.notes.append(note)
    else:
        latest_reasons = query(
            con,
            "select source_name, rejection_reason, rows_quarantined"
            " from marts.quarantine_reasons_by_build"
            " where invocation_id = (select invocation_id from marts.quarantine_reasons_by_build"
            " order by built_at desc limit 1)"
            " order by rows_quarantined desc, source_name, rejection_reason",
        )
        section.charts.append(
            barh_chart(
                "pipeline_quarantine_reasons",
                "Quarantined rows per reason in the last build",
                [f"{row[0]}: {row[1]}" for row in latest_reasons],
                [float(row[2]) for row in latest_reasons],
                "rows quarantined",
                colour=PALETTE[2],
            )
        )
        section.tables.append(
            Table(
                "Quarantined rows per reason in the last build",
                ("source", "reason", "rows"),
                latest_reasons,
            )
        )
    return section


def source_section(
    con: duckdb.DuckDBPyConnection, source: str, title: str, intro: str
) -> tuple[Section, bool]:
    """A source's section and whether its first table has rows; notes for missing tables."""
    section = Section(source, title, intro)
    counts = {relation: row_count(con, relation) for relation in SOURCE_TABLES[source]}
    for relation, rows in counts.items():
        note = no_data_note(source, relation, rows)
        if note:
            section.notes.append(note)
    return section, bool(counts[SOURCE_TABLES[source][0]])


def overview_section(con: duckdb.DuckDBPyConnection) -> Section:
    """Each source system's marts: rows, empty, or not in the warehouse."""
    section = Section("sources", "Source systems at a glance")
    rows = []
    for source, relations in SOURCE_TABLES.items():
        for relation in relations:
            count = row_count(con, relation)
            state = "no table yet" if count is None else ("no data yet" if count == 0 else "data")
            rows.append((source, relation, state, count))
    section.tables.append(
        Table("Marts read by this report", ("source", "table", "state", "rows"), rows)
    )
    return section


def trades_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "trades",
        "Trades (seed 001)",
        "From marts.weekly_trades: one row per week, client type, user and symbol.",
    )
    if not has_data:
        return section
    section.charts.append(
        line_chart(
            "trades_weekly_volume",
            "Weekly trading volume by client type",
            query(
                con,
                "select week_start_date, client_type, sum(total_volume)"
                " from marts.weekly_trades group by all order by 1, 2",
            ),
            "volume (quantity traded)",
        )
    )
    pnl = query(
        con,
        "select client_type, list(total_pnl order by total_pnl)"
        " from marts.weekly_trades group by all order by 1",
    )
    figure, axes = plt.subplots(figsize=(9, 4))
    axes.boxplot([[float(v) for v in row[1]] for row in pnl], showmeans=True)
    axes.set_xticks(range(1, len(pnl) + 1), [row[0] for row in pnl])
    axes.axhline(0, color="#7A7A7A", linewidth=0.8)
    # PnL spans orders of magnitude: a symmetric log scale keeps small and large ones visible.
    axes.set_yscale("symlog", linthresh=1000)
    largest = max((abs(float(v)) for row in pnl for v in row[1]), default=1.0)
    powers = range(3, max(3, math.ceil(math.log10(max(largest, 1.0)))) + 1)
    ticks = sorted([0.0] + [sign * 10.0**k for k in powers for sign in (-1, 1)])
    axes.set_yticks(ticks, [symlog_label(tick) for tick in ticks])
    axes.set_title("PnL distribution by client type (per week, user and symbol)")
    axes.set_ylabel("PnL (sells positive, buys negative)")
    axes.grid(axis="y", alpha=0.3)
    section.charts.append(
        Chart("trades_pnl_distribution", "PnL distribution by client type", png_of(figure))
    )
    section.tables.append(
        Table(
            "Totals by client type",
            ("client type", "users", "trades", "total volume", "total PnL"),
            query(
                con,
                "select client_type, count(distinct user_id), sum(trade_count),"
                " sum(total_volume), sum(total_pnl) from marts.weekly_trades"
                " group by all order by 1",
            ),
        )
    )
    return section


def sales_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "sales",
        "Multi-channel sales (seed 002)",
        "From marts.daily_sales (per day and channel) and marts.daily_top_products.",
    )
    if not has_data:
        return section
    daily = query(
        con,
        "select sales_date, channel, order_count, revenue from marts.daily_sales order by 1, 2",
    )
    figure, (orders_axes, revenue_axes) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for index, (group, (xs, ys)) in enumerate(
        series_by([(row[0], row[1], row[2]) for row in daily]).items()
    ):
        orders_axes.plot(xs, ys, marker="o", color=PALETTE[index % len(PALETTE)], label=group)
    for index, (group, (xs, ys)) in enumerate(
        series_by([(row[0], row[1], row[3]) for row in daily]).items()
    ):
        revenue_axes.plot(xs, ys, marker="o", color=PALETTE[index % len(PALETTE)], label=group)
    orders_axes.set_title("Daily sales and revenue by channel")
    orders_axes.set_ylabel("orders")
    revenue_axes.set_ylabel("revenue")
    for axes in (orders_axes, revenue_axes):
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    figure.autofmt_xdate()
    section.charts.append(
        Chart("sales_daily_by_channel", "Daily sales and revenue by channel", png_of(figure))
    )
    section.tables.append(
        Table(
            "Totals by channel",
            ("channel", "days", "orders", "units sold", "revenue"),
            query(
                con,
                "select channel, count(*), sum(order_count), sum(units_sold), sum(revenue)"
                " from marts.daily_sales group by all order by 1",
            ),
        )
    )
    if row_count(con, "marts.daily_top_products"):
        top = query(
            con,
            "select product_id, count(*), sum(units_sold), sum(revenue)"
            " from marts.daily_top_products group by all order by 4 desc, 1 limit 10",
        )
        section.charts.append(
            barh_chart(
                "sales_top_products",
                "Top products: revenue on the days they were in the daily top list",
                [row[0] for row in top],
                [float(row[3]) for row in top],
                "revenue",
            )
        )
        section.tables.append(
            Table(
                "Top 10 products (days in the daily top list)",
                ("product", "days in top", "units sold", "revenue"),
                top,
            )
        )
    return section


def streaming_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "streaming",
        "Streaming vendor feed (seed 003)",
        "The seed's business questions by month, from marts.streaming_monthly_kpis (one row "
        "per month from the first to the last stream; a month without streams has empty "
        "averages and zero counts). The outage question is asked per outage window: see the "
        "README.",
    )
    if not has_data:
        return section
    columns = ", ".join(name for name, _, _ in STREAMING_KPIS)
    rows = query(
        con, f"select month_start_date, {columns} from marts.streaming_monthly_kpis order by 1"
    )
    months = [row[0] for row in rows]
    # One small chart per KPI (their units differ), sharing the month axis; a month without a
    # value (no stream) is a gap in the line.
    figure, all_axes = plt.subplots(
        len(STREAMING_KPIS), 1, figsize=(9, 2.1 * len(STREAMING_KPIS)), sharex=True
    )
    for index, (axes, (_, label, _)) in enumerate(zip(all_axes, STREAMING_KPIS, strict=True)):
        values = [math.nan if row[index + 1] is None else float(row[index + 1]) for row in rows]
        axes.plot(months, values, marker="o", color=PALETTE[index % len(PALETTE)])
        axes.set_title(label, fontsize="medium", loc="left")
        finite = [value for value in values if not math.isnan(value)]
        axes.set_ylim(bottom=0, top=max(finite, default=0.0) * 1.15 or 1.0)
        axes.grid(alpha=0.3)
    # a tick per month (every few months past a year), labelled once
    all_axes[-1].xaxis.set_major_locator(mdates.MonthLocator(interval=math.ceil(len(rows) / 12)))
    all_axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    figure.autofmt_xdate()
    section.charts.append(
        Chart("streaming_kpis_by_month", "Streaming KPIs by month", png_of(figure))
    )
    section.tables.append(
        Table(
            "KPIs by month",
            ("month", *(label for _, label, _ in STREAMING_KPIS)),
            rows,
            {index + 1: places for index, (_, _, places) in enumerate(STREAMING_KPIS)},
        )
    )
    return section


def retail_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "retail",
        "Retail at scale (seed 004)",
        "From marts.regional_monthly_metrics, marts.category_monthly_trends and "
        "marts.customer_segments.",
    )
    if not has_data:
        return section
    section.charts.append(
        line_chart(
            "retail_regional_revenue",
            "Revenue by region and month",
            query(
                con,
                "select transaction_month, region, revenue"
                " from marts.regional_monthly_metrics order by 1, 2",
            ),
            "revenue",
        )
    )
    section.tables.append(
        Table(
            "Totals by region",
            ("region", "transactions", "units sold", "revenue"),
            query(
                con,
                "select region, sum(transaction_count), sum(units_sold), sum(revenue)"
                " from marts.regional_monthly_metrics group by all order by 4 desc, 1",
            ),
        )
    )
    if row_count(con, "marts.category_monthly_trends"):
        section.charts.append(
            line_chart(
                "retail_category_revenue",
                "Revenue by product category and month",
                query(
                    con,
                    "select transaction_month, product_category, revenue"
                    " from marts.category_monthly_trends order by 1, 2",
                ),
                "revenue",
            )
        )
        section.tables.append(
            Table(
                "Totals by product category",
                ("category", "transactions", "units sold", "revenue"),
                query(
                    con,
                    "select product_category, sum(transaction_count), sum(units_sold),"
                    " sum(revenue) from marts.category_monthly_trends"
                    " group by all order by 4 desc, 1",
                ),
            )
        )
    if row_count(con, "marts.customer_segments"):
        section.tables.append(
            Table(
                "Customer segments",
                ("segment", "customers", "monetary"),
                query(
                    con,
                    "select segment, count(*), sum(monetary) from marts.customer_segments"
                    " group by all order by 2 desc, 1",
                ),
            )
        )
    return section


# --- rendering -----------------------------------------------------------------------------

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
h1 { border-bottom: 3px solid #2E8B57; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
nav a { margin-right: 1em; }
p.note { background: #FFF4E0; border-left: 4px solid #F2A541; padding: .5em .8em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 90%; }
caption { text-align: left; font-weight: bold; padding: .3em 0; }
th, td { border: 1px solid #ddd; padding: .25em .6em; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 90%; color: #555; }
"""


def render_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(column)}</th>" for column in table.header)
    body = []
    for row in table.rows:
        cells = "".join(
            f'<td class="number">{html.escape(fmt(v, table.decimals.get(i, 2)))}</td>'
            if isinstance(v, int | float | Decimal) and not isinstance(v, bool)
            else f"<td>{html.escape(fmt(v, table.decimals.get(i, 2)))}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f"<table><caption>{html.escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def render(sections: list[Section], database: Path, generated_at: datetime) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Analytics report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Analytics report</h1>",
        f"<p>From the warehouse <code>{html.escape(str(database))}</code>, opened read-only, "
        f"at {generated_at:%Y-%m-%d %H:%M:%S} UTC.</p>",
        "<nav>"
        + "".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in sections)
        + "</nav>",
    ]
    for section in sections:
        parts.append(f'<section id="{section.anchor}"><h2>{html.escape(section.title)}</h2>')
        if section.intro:
            parts.append(f"<p>{html.escape(section.intro)}</p>")
        parts.extend(f'<p class="note">{html.escape(note)}</p>' for note in section.notes)
        for chart in section.charts:
            encoded = base64.b64encode(chart.png).decode("ascii")
            parts.append(
                f'<figure><img alt="{html.escape(chart.caption)}" '
                f'src="data:image/png;base64,{encoded}">'
                f"<figcaption>{html.escape(chart.caption)} "
                f"(<code>{CHARTS_DIR}/{chart.name}.png</code>)</figcaption></figure>"
            )
        parts.extend(render_table(table) for table in section.tables)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html_report(database: Path | None, output_dir: Path) -> list[Path]:
    """Write report.html and charts/*.png into output_dir; returns the paths written."""
    source = database_path(database)
    try:
        con = connect_read_only(source)
    except duckdb.Error as error:
        raise ReportError(f"cannot open the warehouse: {error}") from None
    try:
        sections = [
            overview_section(con),
            pipeline_section(con),
            trades_section(con),
            sales_section(con),
            streaming_section(con),
            retail_section(con),
        ]
    finally:
        con.close()

    charts_dir = output_dir / CHARTS_DIR
    charts_dir.mkdir(parents=True, exist_ok=True)
    written = []
    drawn = set()
    for section in sections:
        for chart in section.charts:
            path = output_file(charts_dir, f"{chart.name}.png")
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(chart.png)
            partial.replace(path)
            written.append(path)
            drawn.add(chart.name)
    for name in set(CHART_NAMES) - drawn:
        output_file(charts_dir, f"{name}.png").unlink(missing_ok=True)

    report = output_file(output_dir, REPORT_NAME)
    partial = report.with_name(report.name + ".partial")
    partial.write_text(render(sections, source, datetime.now(UTC)), encoding="utf-8")
    partial.replace(report)
    return [report, *written]


def _handler(args: argparse.Namespace) -> int:
    for path in write_html_report(args.database, args.output_dir):
        print(path)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "html",
        help="one self-contained HTML report with charts, and the charts as PNG files",
        description=f"Write {REPORT_NAME} and {CHARTS_DIR}/*.png into the output folder.",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=f"folder of the report (default: {DEFAULT_OUTPUT_DIR})",
    )
    parser.set_defaults(handler=_handler)
