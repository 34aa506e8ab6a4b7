"""`analytics-report html`: one self-contained HTML report with charts, from the published marts.

Writes ``report.html`` (charts embedded as base64 PNG, inline CSS, no script, no external file:
it opens offline) and a PNG copy of every chart in ``charts/`` next to it. Each section reads
its marts only when they exist and have rows, and otherwise says plainly that its source system
has no table or no data yet, so the report works on whatever sources the warehouse holds.

The questions are `analytics.reports.queries` and the charts `analytics.charts`, the same ones
the dashboard (`make dashboard`) shows; here the charts are rendered to PNG by vl-convert.

Sections: the pipeline's health (build durations, the last runs and their slowest and failing
nodes, rows per source and the top quarantine reasons in the last build), then one per source
system: bank (location averages), trades (weekly volume, the net cash flow by client type, the
top bronze clients), sales (daily orders and revenue by channel, top products), streaming (the
seed's KPIs by month, one small chart each, and their table), retail (revenue by region and by
product category per month, customer segments).
"""

from __future__ import annotations

import argparse
import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import altair as alt
import duckdb

from analytics import charts
from analytics.reports import queries
from analytics.reports.common import (
    ReportError,
    connect_read_only,
    database_path,
    fmt,
    output_file,
    write_atomic,
)

DEFAULT_OUTPUT_DIR = Path("output")
REPORT_NAME = "report.html"
CHARTS_DIR = "charts"

# The marts each source system's section reads (the first is the one the note names).
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "bank": ("marts.location_customer_avg",),
    "trades": (
        "marts.weekly_trades",
        "marts.top_bronze_clients_by_volume",
        "marts.top_bronze_clients_by_pnl",
    ),
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
    "bank_top_locations",
    "trades_weekly_volume",
    "trades_pnl_distribution",
    "sales_daily_by_channel",
    "sales_top_products",
    "streaming_kpis_by_month",
    "retail_regional_revenue",
    "retail_category_revenue",
)
# The columns of marts.streaming_monthly_kpis after stream_month, with their labels and the
# decimals the table shows (the median is in GiB, to 6 decimals in the mart).
STREAMING_KPIS: tuple[tuple[str, str, int], ...] = (
    ("pct_streams_based_on_books", "streams of movies based on books (%)", 2),
    ("singaporean_book_movies_streamed", "movies of Singaporean authors' books streamed", 0),
    ("avg_stream_duration_minutes", "average stream duration (minutes)", 2),
    ("median_stream_size_gib", "median stream size (GiB)", 6),
    ("users_watched_half_last_week", "users who watched half a movie in the last week", 0),
)
# How many quarantine reasons the chart and table show before one "other" line.
TOP_REASONS = 12
BUILDS_SHOWN = 30
LOCATIONS_SHOWN = 15


@dataclass
class Chart:
    name: str
    caption: str
    png: bytes
    spec: dict[str, Any] = field(default_factory=dict)  # the Vega-Lite specification drawn


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

    def chart(self, name: str, caption: str, chart: alt.TopLevelMixin) -> None:
        self.charts.append(Chart(name, caption, charts.png(chart), charts.finish(chart).to_dict()))


# --- reading -------------------------------------------------------------------------------


def row_count(con: duckdb.DuckDBPyConnection, relation: str) -> int | None:
    """Rows in schema.table, or None when the table (or view) does not exist."""
    exists = queries.run(con, queries.table_exists(relation)).rows
    if not exists or exists[0][0] == 0:
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
        builds = queries.run(con, queries.builds(BUILDS_SHOWN))
        if builds.rows:
            section.chart(
                "pipeline_build_durations",
                "Build durations",
                charts.build_durations(builds.frame()),
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
        last = query(con, "select invocation_id from audit.run_history order by started_at desc")
        invocation = last[0][0]
        section.tables.append(
            Table(
                "Slowest nodes of the last run",
                ("node", "type", "status", "seconds", "rows"),
                queries.run(con, queries.slowest_nodes(invocation)).rows,
            )
        )
        problems = queries.run(con, queries.node_problems(invocation)).rows
        if problems:
            section.tables.append(
                Table(
                    "Log of the last run: nodes that did not pass",
                    ("node", "type", "status", "failures", "message"),
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
        latest = queries.run(con, queries.last_accounting())
        section.chart(
            "pipeline_rows_per_source",
            "Rows per source in the last build",
            charts.rows_by_outcome(
                latest.frame(), by="source_name", title="Rows per source in the last build"
            ),
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
                latest.rows,
            )
        )

    reasons = row_count(con, "marts.quarantine_reasons_by_build")
    note = no_data_note("quarantine reasons", "marts.quarantine_reasons_by_build", reasons)
    if note:
        section.notes.append(note)
    else:
        latest_reasons = queries.run(con, queries.last_quarantine_reasons()).frame()
        caption = f"Quarantined rows: the top {TOP_REASONS} reasons in the last build"
        section.chart(
            "pipeline_quarantine_reasons",
            caption,
            charts.quarantine_reasons(
                latest_reasons, top=TOP_REASONS, subtitle="the last build; by source and reason"
            ),
        )
        top = charts.top_with_other(
            latest_reasons,
            label_columns=["source_name", "rejection_reason"],
            value="rows_quarantined",
            top=TOP_REASONS,
        )
        section.tables.append(
            Table(
                caption + " (every reason and row: the dashboard's pipeline page)",
                ("source", "reason", "rows"),
                [(s, r, int(n)) for s, r, n in top.itertuples(index=False)],
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


def bank_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "bank",
        "Bank transactions (seed 000)",
        "From marts.location_customer_avg: one row per location and customer (sum, count and "
        "average of the valid transaction amounts, in INR). A location's average is its amount "
        "over its transactions.",
    )
    if not has_data:
        return section
    locations = queries.run(con, queries.bank_locations(limit=LOCATIONS_SHOWN))
    section.chart(
        "bank_top_locations",
        f"Top {LOCATIONS_SHOWN} locations by amount",
        charts.ranking(
            locations.frame(),
            label="location",
            value="amount",
            title=f"Top {LOCATIONS_SHOWN} locations by transaction amount",
            x_title=charts.money("bank"),
        ),
    )
    totals = queries.run(con, queries.bank_totals())
    section.tables.append(
        Table(
            "Totals",
            ("locations", "customers", "transactions", charts.money("bank")),
            totals.rows,
        )
    )
    section.tables.append(
        Table(
            f"Top {LOCATIONS_SHOWN} locations by amount",
            (
                "location",
                "customers",
                "transactions",
                charts.money("bank"),
                charts.money("bank", "average transaction"),
            ),
            locations.rows,
        )
    )
    return section


def trades_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "trades",
        "Trades (seed 001)",
        "From marts.weekly_trades (one row per week, client type, user and symbol) and the "
        "top bronze client marts. " + charts.PNL_NOTE + " " + charts.CURRENCY_NOTE,
    )
    if not has_data:
        return section
    section.chart(
        "trades_weekly_volume",
        "Weekly trading volume by client type",
        charts.over_time(
            queries.run(con, queries.trades_weekly_volume()).frame(),
            x="trade_week",
            y="total_volume",
            category="client_type",
            grain="week",
            title="Weekly trading volume by client type",
            y_title="volume (quantity traded)",
        ),
    )
    distribution = queries.run(con, queries.trades_pnl_distribution())
    section.chart(
        "trades_pnl_distribution",
        "Net cash flow (the mart's PnL) per week, user and symbol, by client type",
        charts.distribution(
            distribution.frame(),
            category="client_type",
            title="Net cash flow (the mart's PnL) per week, user and symbol",
            x_title=charts.money("trades", "sells minus buys"),
            subtitle=[
                "box: 25th to 75th percentile, white tick: median, line: 5th to 95th "
                "percentile; dashed: zero",
                "negative: the clients bought more than they sold (not a loss)",
            ],
        ),
    )
    section.tables.append(
        Table(
            "Net cash flow per week, user and symbol by client type (¤)",
            (
                "client type",
                "rows",
                "minimum",
                "5th pct",
                "25th pct",
                "median",
                "75th pct",
                "95th pct",
                "maximum",
            ),
            distribution.rows,
        )
    )
    section.tables.append(
        Table(
            "Totals by client type",
            ("client type", "users", "trades", "total volume", "net cash flow (total PnL, ¤)"),
            queries.run(con, queries.trades_by_client_type()).rows,
        )
    )
    for by, label in (("volume", "volume"), ("pnl", "net cash flow (PnL)")):
        if row_count(con, f"marts.top_bronze_clients_by_{by}"):
            section.tables.append(
                Table(
                    f"Top 3 bronze clients by {label}",
                    ("rank", "user", "total volume", "net cash flow (¤)", "trades"),
                    queries.run(con, queries.top_bronze_clients(by)).rows,
                )
            )
    return section


def sales_section(con: duckdb.DuckDBPyConnection) -> Section:
    section, has_data = source_section(
        con,
        "sales",
        "Multi-channel sales (seed 002)",
        "From marts.daily_sales (per day and channel) and marts.daily_top_products. "
        + charts.CURRENCY_NOTE,
    )
    if not has_data:
        return section
    daily = queries.run(con, queries.sales_daily()).frame()
    section.chart(
        "sales_daily_by_channel",
        "Daily revenue and orders by channel",
        charts.sales_daily(daily),
    )
    section.tables.append(
        Table(
            "Totals by channel",
            ("channel", "days", "orders", "units sold", charts.money("sales", "revenue")),
            queries.run(con, queries.sales_by_channel()).rows,
        )
    )
    if row_count(con, "marts.daily_top_products"):
        top = queries.run(con, queries.sales_top_products())
        section.chart(
            "sales_top_products",
            "Top products: revenue on the days they were in the daily top 5",
            charts.ranking(
                top.frame(),
                label="product_id",
                value="revenue",
                title="Top products: revenue on the days they were in the daily top 5",
                x_title=charts.money("sales", "revenue"),
            ),
        )
        section.tables.append(
            Table(
                "Top 10 products (days in the daily top list)",
                ("product", "days in top", "units sold", charts.money("sales", "revenue")),
                top.rows,
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
        "averages and zero counts). The outage question is asked per outage window: see "
        "docs/operations.md (make outage), or the dashboard's streaming page.",
    )
    if not has_data:
        return section
    kpis = queries.run(con, queries.streaming_kpis([name for name, _, _ in STREAMING_KPIS]))
    section.chart(
        "streaming_kpis_by_month",
        "Streaming KPIs by month",
        charts.small_multiples(
            kpis.frame(),
            x="stream_month",
            grain="month",
            panels=[(name, label, ",.2~f") for name, label, _ in STREAMING_KPIS],
            title="Streaming KPIs by month",
        ),
    )
    section.tables.append(
        Table(
            "KPIs by month",
            ("month", *(label for _, label, _ in STREAMING_KPIS)),
            kpis.rows,
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
        "marts.customer_segments. " + charts.CURRENCY_NOTE,
    )
    if not has_data:
        return section
    section.chart(
        "retail_regional_revenue",
        "Revenue by region and month",
        charts.over_time(
            queries.run(con, queries.retail_by_region_month()).frame(),
            x="transaction_month",
            y="revenue",
            category="region",
            grain="month",
            title="Revenue by region and month",
            y_title=charts.money("retail", "revenue"),
        ),
    )
    section.tables.append(
        Table(
            "Totals by region",
            ("region", "transactions", "units sold", charts.money("retail", "revenue")),
            queries.run(con, queries.retail_by_region()).rows,
        )
    )
    if row_count(con, "marts.category_monthly_trends"):
        section.chart(
            "retail_category_revenue",
            "Revenue by product category and month",
            charts.over_time(
                queries.run(con, queries.retail_by_category_month()).frame(),
                x="transaction_month",
                y="revenue",
                category="product_category",
                grain="month",
                title="Revenue by product category and month",
                y_title=charts.money("retail", "revenue"),
            ),
        )
        section.tables.append(
            Table(
                "Totals by product category",
                ("category", "transactions", "units sold", charts.money("retail", "revenue")),
                queries.run(con, queries.retail_by_category()).rows,
            )
        )
    if row_count(con, "marts.customer_segments"):
        segments = queries.run(con, queries.retail_segments())
        section.tables.append(
            Table(
                "Customer segments",
                (
                    "segment",
                    "customers",
                    charts.money("retail", "monetary"),
                    "average purchases",
                    "average days since last purchase",
                ),
                segments.rows,
                {3: 2, 4: 1},
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


def report_sections(source: Path) -> list[Section]:
    """Every section of the report, read from the warehouse file, opened read-only."""
    try:
        con = connect_read_only(source)
    except duckdb.Error as error:
        raise ReportError(f"cannot open the warehouse: {error}") from None
    try:
        return [
            overview_section(con),
            pipeline_section(con),
            bank_section(con),
            trades_section(con),
            sales_section(con),
            streaming_section(con),
            retail_section(con),
        ]
    finally:
        con.close()


def write_html_report(database: Path | None, output_dir: Path) -> list[Path]:
    """Write report.html and charts/*.png into output_dir; returns the paths written."""
    source = database_path(database)
    sections = report_sections(source)

    charts_dir = output_dir / CHARTS_DIR
    charts_dir.mkdir(parents=True, exist_ok=True)
    written = []
    drawn = set()
    for section in sections:
        for chart in section.charts:
            written.append(write_atomic(output_file(charts_dir, f"{chart.name}.png"), chart.png))
            drawn.add(chart.name)
    for name in set(CHART_NAMES) - drawn:
        output_file(charts_dir, f"{name}.png").unlink(missing_ok=True)

    report = write_atomic(
        output_file(output_dir, REPORT_NAME), render(sections, source, datetime.now(UTC))
    )
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
