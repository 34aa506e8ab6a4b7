"""One page per source system, each with the business answers of its seed."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import streamlit as st

from analytics import charts
from analytics.dashboard import ui
from analytics.dashboard.outage import EXAMPLE, OutageWindowError, outage_window
from analytics.reports import queries
from analytics.reports.html import STREAMING_KPIS
from analytics.reports.sales import per_date_reports

LOCATIONS_SHOWN = 15


def _values(relation: str, column: str) -> list[str]:
    return [row[0] for row in ui.fetch(queries.distinct_values(relation, column)).rows]


def _extent(relation: str, column: str) -> tuple[date, date]:
    return ui.fetch(queries.value_range(relation, column)).rows[0]


# --- bank ----------------------------------------------------------------------------------


def bank() -> None:
    st.title("Bank transactions (seed 000)")
    st.caption(
        "From marts.location_customer_avg: one row per location and customer, with the sum, "
        "count and average of the valid transaction amounts, in INR. A location's average is "
        "its amount over its transactions."
    )
    if not ui.has_data("bank", "marts.location_customer_avg"):
        return ui.footer()
    totals = ui.fetch(queries.bank_totals()).first() or {}
    columns = st.columns(4)
    for column, (label, key, decimals, unit) in zip(
        columns,
        (
            ("locations", "locations", 0, ""),
            ("customers", "customers", 0, ""),
            ("transactions", "transactions", 0, ""),
            ("amount", "amount", 2, "INR"),
        ),
        strict=True,
    ):
        with column:
            ui.metric(label, totals.get(key), decimals, unit)
    left, right = st.columns(2)
    with left:
        city = st.text_input("City (any part of the name)", key="bank_city")
    with right:
        customer = st.text_input("Customer id (any part of it)", key="bank_customer")
    locations = ui.fetch(queries.bank_locations(city, customer))
    st.header("Location averages")
    if not locations.rows:
        st.info("No location or customer matches the search.")
        return ui.footer()
    ui.show(
        charts.ranking(
            locations.frame().head(LOCATIONS_SHOWN),
            label="location",
            value="amount",
            title=f"Locations by transaction amount (the first {LOCATIONS_SHOWN})",
            x_title=charts.money("bank"),
        )
    )
    ui.table(
        queries.Result(locations.columns, locations.rows[:50]),
        (
            "location",
            "customers",
            "transactions",
            charts.money("bank"),
            charts.money("bank", "average transaction"),
        ),
    )
    st.caption(f"{len(locations.rows):,} matching location(s); the table shows up to 50.")
    st.header("Customers")
    ui.table(
        ui.fetch(queries.bank_customers(city, customer, limit=100)),
        (
            "location",
            "customer",
            "transactions",
            charts.money("bank"),
            charts.money("bank", "average transaction"),
        ),
    )
    st.caption("The 100 largest matching customers by amount.")
    ui.footer()


# --- trades --------------------------------------------------------------------------------


def trades() -> None:
    st.title("Trades (seed 001)")
    st.caption("From marts.weekly_trades (one row per week, client type, user and symbol).")
    if not ui.has_data("trades", "marts.weekly_trades"):
        return ui.footer()
    first, last = _extent("marts.weekly_trades", "trade_week")
    left, right = st.columns(2)
    with left:
        types = _values("marts.weekly_trades", "client_type")
        chosen = st.multiselect("Client types", types, default=types, key="trades_types")
    with right:
        start, end = ui.date_range("Weeks starting", first, last, "trades_weeks")
    totals = ui.fetch(queries.trades_by_client_type(chosen, start, end))
    columns = st.columns(4)
    sums = [sum(v or 0 for v in totals.column(c)) for c in ("trades", "total_volume", "total_pnl")]
    with columns[0]:
        ui.metric("trades", sums[0], 0)
    with columns[1]:
        ui.metric("users", sum(totals.column("users")), 0)
    with columns[2]:
        ui.metric("volume (quantity)", sums[1])
    with columns[3]:
        ui.metric("net cash flow", sums[2], 2, "¤")
    ui.show(
        charts.over_time(
            ui.fetch(queries.trades_weekly_volume(chosen, start, end)).frame(),
            x="trade_week",
            y="total_volume",
            category="client_type",
            grain="week",
            title="Weekly trading volume by client type",
            y_title="volume (quantity traded)",
        )
    )
    st.header("PnL: the net cash flow of the trades")
    st.info(charts.PNL_NOTE + " " + charts.CURRENCY_NOTE)
    distribution = ui.fetch(queries.trades_pnl_distribution(chosen, start, end))
    ui.show(
        charts.distribution(
            distribution.frame(),
            category="client_type",
            title="Net cash flow (the mart's PnL) per week, user and symbol",
            x_title=charts.money("trades", "sells minus buys"),
            subtitle=[
                "box: 25th to 75th percentile, white tick: median, line: 5th to 95th "
                "percentile; dashed: zero",
            ],
        )
    )
    ui.table(
        distribution,
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
    )
    st.subheader("Totals by client type")
    ui.table(
        totals,
        ("client type", "users", "trades", "total volume", "net cash flow (total PnL, ¤)"),
    )
    st.header("Top bronze clients (all weeks)")
    left, right = st.columns(2)
    for column, by, label in ((left, "volume", "volume"), (right, "pnl", "net cash flow (PnL)")):
        with column:
            st.subheader(f"By {label}")
            if ui.has_data("trades", f"marts.top_bronze_clients_by_{by}"):
                ui.table(
                    ui.fetch(queries.top_bronze_clients(by)),
                    ("rank", "user", "total volume", "net cash flow (¤)", "trades"),
                )
    ui.footer()


# --- sales ---------------------------------------------------------------------------------


def sales() -> None:
    st.title("Multi-channel sales (seed 002)")
    st.caption(
        "From marts.daily_sales (per day and channel) and marts.daily_top_products (the top 5 "
        "products of each day by units). " + charts.CURRENCY_NOTE
    )
    if not ui.has_data("sales", "marts.daily_sales", "marts.daily_top_products"):
        return ui.footer()
    first, last = ui.fetch(queries.sales_dates()).rows[0]
    left, right = st.columns(2)
    with left:
        channels = _values("marts.daily_sales", "channel")
        chosen = st.multiselect("Channels", channels, default=channels, key="sales_channels")
    with right:
        start, end = ui.date_range("Dates", first, last, "sales_dates")
    totals = ui.fetch(queries.sales_by_channel(chosen, start, end))
    columns = st.columns(3)
    with columns[0]:
        ui.metric("revenue", sum(totals.column("revenue")), 2, "¤")
    with columns[1]:
        ui.metric("orders", sum(totals.column("orders")), 0)
    with columns[2]:
        ui.metric("units sold", sum(totals.column("units_sold")), 0)
    ui.show(charts.sales_daily(ui.fetch(queries.sales_daily(chosen, start, end)).frame()))
    st.subheader("Totals by channel")
    ui.table(totals, ("channel", "days", "orders", "units sold", charts.money("sales", "revenue")))

    st.header("The daily top 5")
    days = ui.fetch(queries.sales_daily_top5(start, end))
    dates = sorted({row[0] for row in days.rows})
    if not dates:
        st.info("No top products in the chosen dates.")
        return ui.footer()
    day = st.selectbox("Date", dates, index=len(dates) - 1, format_func=str, key="sales_top_day")
    ui.table(
        queries.Result(days.columns, [row for row in days.rows if row[0] == day]),
        ("date", "rank", "product", "units sold", charts.money("sales", "revenue")),
    )
    ui.show(
        charts.ranking(
            ui.fetch(queries.sales_top_products(start, end)).frame(),
            label="product_id",
            value="revenue",
            title="Top products: revenue on the days they were in the daily top 5",
            subtitle=f"{start} to {end}",
            x_title=charts.money("sales", "revenue"),
        )
    )
    downloads(start, end, day)
    ui.footer()


def downloads(start: date, end: date, day: date) -> None:
    """The seed's per-date report files (analytics-report sales), for a date or the range."""
    st.subheader("The seed's report files")
    reports = ui.warehouse().read(lambda con: per_date_reports(con, start, end))
    files = {name: text for _, named in reports for name, text in named.items()}
    left, right = st.columns(2)
    with left:
        for name, text in files.items():
            if name.endswith(f"_{day.isoformat()}.csv"):
                st.download_button(
                    f"Download {name}", text, file_name=name, mime="text/csv", key=name
                )
    with right:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name, text in files.items():
                zipped.writestr(name, text)
        st.download_button(
            f"Download all {len(files)} files, {start} to {end} (zip)",
            archive.getvalue(),
            file_name=f"sales_reports_{start}_{end}.zip",
            mime="application/zip",
            key="sales_zip",
        )
    st.caption("The same files as `analytics-report sales --from ... --to ...` writes.")


# --- streaming -----------------------------------------------------------------------------


def streaming() -> None:
    st.title("Streaming vendor feed (seed 003)")
    st.caption(
        "The seed's questions by month, from marts.streaming_monthly_kpis (one row per month "
        "from the first to the last stream; a month without streams has empty averages and "
        "zero counts), and the outage question for a window you give."
    )
    if ui.has_data("streaming", "marts.streaming_monthly_kpis"):
        first, last = _extent("marts.streaming_monthly_kpis", "stream_month")
        start, end = ui.date_range("Months starting", first, last, "streaming_months")
        kpis = ui.fetch(queries.streaming_kpis([name for name, _, _ in STREAMING_KPIS], start, end))
        ui.show(
            charts.small_multiples(
                kpis.frame(),
                x="stream_month",
                grain="month",
                panels=[(name, label, ",.2~f") for name, label, _ in STREAMING_KPIS],
                title="Streaming KPIs by month",
            ),
            stretch=False,
        )
        ui.table(
            kpis,
            ("month", *(label for _, label, _ in STREAMING_KPIS)),
            {index + 1: places for index, (_, _, places) in enumerate(STREAMING_KPIS)},
        )
    st.header("Users affected by an outage")
    st.caption(
        "A user is affected when one of their current streams was running at some moment of "
        "the outage, both ends included (the project's reading of the seed's query 2; the "
        "streaming_monthly_kpis mart in the dbt docs). Times in UTC, or with an offset (Z, +08:00)."
    )
    if not ui.has_data("streaming", "staging.stg_streaming__streams"):
        return ui.footer()
    with st.form("outage"):
        left, right = st.columns(2)
        with left:
            start_text = st.text_input("Outage start", value=EXAMPLE, key="outage_start")
        with right:
            end_text = st.text_input("Outage end", value="2024-01-31 22:00:00", key="outage_end")
        asked = st.form_submit_button("Count the affected users")
    if asked:
        try:
            start_at, end_at = outage_window(start_text, end_text)
        except OutageWindowError as error:
            st.error(f"Not counted: {error}.")
        else:
            affected = ui.fetch(queries.users_affected_by_outage(start_at, end_at)).rows[0][0]
            ui.metric("users affected", affected, 0)
            st.caption(
                f"From {start_at:%Y-%m-%d %H:%M:%S} to {end_at:%Y-%m-%d %H:%M:%S} UTC: users "
                "with a stream running at some moment of it (staging.stg_streaming__streams)."
            )
    ui.footer()


# --- retail --------------------------------------------------------------------------------


def retail() -> None:
    st.title("Retail at scale (seed 004)")
    st.caption(
        "From marts.regional_monthly_metrics, marts.category_monthly_trends, "
        "marts.daily_revenue and marts.customer_segments. " + charts.CURRENCY_NOTE
    )
    if not ui.has_data("retail", "marts.regional_monthly_metrics"):
        return ui.footer()
    first, last = _extent("marts.regional_monthly_metrics", "transaction_month")
    regions = _values("marts.regional_monthly_metrics", "region")
    left, middle, right = st.columns(3)
    with left:
        chosen_regions = st.multiselect("Regions", regions, default=regions, key="retail_regions")
    with middle:
        categories = (
            _values("marts.category_monthly_trends", "product_category")
            if ui.rows_in("marts.category_monthly_trends")
            else []
        )
        chosen_categories = st.multiselect(
            "Product categories", categories, default=categories, key="retail_categories"
        )
    with right:
        start, end = ui.date_range("Months starting", first, last, "retail_months")
    by_region = ui.fetch(queries.retail_by_region(chosen_regions, start, end))
    columns = st.columns(3)
    with columns[0]:
        ui.metric("revenue", sum(by_region.column("revenue")), 2, "¤")
    with columns[1]:
        ui.metric("transactions", sum(by_region.column("transactions")), 0)
    with columns[2]:
        ui.metric("units sold", sum(by_region.column("units_sold")), 0)
    ui.show(
        charts.over_time(
            ui.fetch(queries.retail_by_region_month(chosen_regions, start, end)).frame(),
            x="transaction_month",
            y="revenue",
            category="region",
            grain="month",
            title="Revenue by region and month",
            y_title=charts.money("retail", "revenue"),
        )
    )
    ui.table(by_region, ("region", "transactions", "units sold", charts.money("retail", "revenue")))
    if categories:
        ui.show(
            charts.over_time(
                ui.fetch(queries.retail_by_category_month(chosen_categories, start, end)).frame(),
                x="transaction_month",
                y="revenue",
                category="product_category",
                grain="month",
                title="Revenue by product category and month",
                y_title=charts.money("retail", "revenue"),
            )
        )
        ui.table(
            ui.fetch(queries.retail_by_category(chosen_categories, start, end)),
            ("category", "transactions", "units sold", charts.money("retail", "revenue")),
        )
    if ui.rows_in("marts.daily_revenue"):
        ui.show(
            charts.over_time(
                ui.fetch(queries.retail_daily_revenue()).frame(),
                x="transaction_date",
                y="revenue",
                category=None,
                grain="day",
                title="Daily revenue, every region and category",
                y_title=charts.money("retail", "revenue"),
            )
        )
    st.header("Customer segments")
    if ui.has_data("retail", "marts.customer_segments"):
        segments = ui.fetch(queries.retail_segments())
        ui.show(
            charts.ranking(
                segments.frame(),
                label="segment",
                value="customers",
                title="Customers per segment (recency, frequency, monetary)",
                x_title="customers",
                colour_by="segment",
            )
        )
        ui.table(
            segments,
            (
                "segment",
                "customers",
                charts.money("retail", "monetary"),
                "average purchases",
                "average days since last purchase",
            ),
            {3: 2, 4: 1},
        )
    ui.footer()
