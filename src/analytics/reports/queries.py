"""The questions the report and the dashboard ask the warehouse, written once.

Each function returns a `Query` (SQL with `?` parameters); `run` executes one on a read-only
connection. The report runs them on its one connection; the dashboard runs them through
`analytics.dashboard.warehouse.Warehouse`, which opens a fresh read-only connection per query
(and caches the answer per published file). Filters that a function takes are optional: left
out, the question is over everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd


@dataclass(frozen=True)
class Query:
    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Result:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def frame(self) -> pd.DataFrame:
        """As a DataFrame for a chart: decimals as floats, dates as pandas timestamps."""
        data = [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in self.rows]
        return pd.DataFrame(data, columns=list(self.columns))

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def first(self) -> dict[str, Any] | None:
        return dict(zip(self.columns, self.rows[0], strict=True)) if self.rows else None


def run(con: duckdb.DuckDBPyConnection, query: Query) -> Result:
    cursor = con.execute(query.sql, list(query.params))
    columns = tuple(d[0] for d in cursor.description or ())
    return Result(columns, cursor.fetchall())


def _where(conditions: Sequence[tuple[str, Any]]) -> tuple[str, tuple[Any, ...]]:
    """`where a and b` from (sql, value) pairs whose value is not None; lists expand to IN."""
    parts, params = [], []
    for sql, value in conditions:
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            values = sorted(value)
            if not values:
                parts.append("false")
                continue
            parts.append(f"{sql} in ({', '.join('?' for _ in values)})")
            params.extend(values)
        else:
            parts.append(sql)
            params.append(value)
    return (" where " + " and ".join(parts) if parts else ""), tuple(params)


def table_exists(relation: str) -> Query:
    schema, name = relation.split(".")
    return Query(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        (schema, name),
    )


# --- pipeline ------------------------------------------------------------------------------

LAST_BUILD = (
    "(select invocation_id from audit.run_history where command = 'build'"
    " order by started_at desc limit 1)"
)


def recent_runs(limit: int = 20) -> Query:
    return Query(
        "select started_at, finished_at, command, target_name, status, elapsed_seconds,"
        " nodes_total, nodes_failed, invocation_id from audit.run_history"
        " order by started_at desc limit ?",
        (limit,),
    )


def builds(limit: int = 30) -> Query:
    """The last `limit` builds (dbt build, plain or through analytics-build), newest first."""
    return Query(
        "select invocation_id, started_at, finished_at, status, elapsed_seconds, nodes_total,"
        " nodes_failed, target_name from audit.run_history where command = 'build'"
        " order by started_at desc limit ?",
        (limit,),
    )


def node_problems(invocation_id: str) -> Query:
    """Nodes of one run that did not pass: errors and failures first, then warnings."""
    return Query(
        "select node_name, resource_type, status, failures, message from audit.node_history"
        " where invocation_id = ? and status not in ('success', 'pass', 'no-op')"
        " order by case when status in ('error', 'fail', 'runtime error') then 0 else 1 end,"
        " status, node_name",
        (invocation_id,),
    )


def slowest_nodes(invocation_id: str, limit: int = 10) -> Query:
    return Query(
        "select node_name, resource_type, status, elapsed_seconds, rows_affected"
        " from audit.node_history where invocation_id = ?"
        " order by elapsed_seconds desc, node_name limit ?",
        (invocation_id, limit),
    )


def accounting_by_build(
    sources: Sequence[str] | None = None, last_builds: int | None = None
) -> Query:
    """Rows read, accepted, duplicate and quarantined per source and build (the mart over
    audit.row_accounting_history), oldest build first."""
    where, params = _where([("source_name", sources)])
    recent = ""
    if last_builds is not None:
        recent = (
            (" and " if where else " where ")
            + "invocation_id in (select invocation_id from marts.data_quality_by_build"
            " group by invocation_id order by max(built_at) desc limit ?)"
        )
        params = (*params, last_builds)
    return Query(
        "select invocation_id, built_at, source_name, files, rows_read, rows_accepted,"
        " rows_duplicate, rows_quarantined, 100 * quarantined_share as pct_quarantined"
        f" from marts.data_quality_by_build{where}{recent} order by built_at, source_name",
        params,
    )


def last_accounting() -> Query:
    """The accounting of the last build that recorded one, per source."""
    return Query(
        "select source_name, files, rows_read, rows_accepted, rows_duplicate, rows_quarantined,"
        " 100 * quarantined_share as pct_quarantined from marts.data_quality_by_build"
        " where invocation_id = (select invocation_id from marts.data_quality_by_build"
        " order by built_at desc limit 1) order by source_name"
    )


def last_quarantine_reasons(sources: Sequence[str] | None = None) -> Query:
    """Rows quarantined per source and reason in the last build, most first."""
    where, params = _where([("source_name", sources)])
    latest = (
        "invocation_id = (select invocation_id from marts.quarantine_reasons_by_build"
        " order by built_at desc limit 1)"
    )
    where = f"{where} and {latest}" if where else f" where {latest}"
    return Query(
        "select source_name, rejection_reason, rows_quarantined"
        f" from marts.quarantine_reasons_by_build{where}"
        " order by rows_quarantined desc, source_name, rejection_reason",
        params,
    )


def quarantine_tables() -> Query:
    return Query(
        "select table_name from information_schema.tables where table_schema = 'quarantine'"
        " order by table_name"
    )


def quarantine_table_of(source_name: str, tables: Sequence[str]) -> str | None:
    """The quarantine table of a source name of the accounting: `streaming_movies` is
    quarantine_streaming__movies, and `bank` the one table quarantine_bank__<entity>s."""
    named = {}
    by_system: dict[str, list[str]] = {}
    for table in tables:
        system, _, entity = table.removeprefix("quarantine_").partition("__")
        named[f"{system}_{entity}"] = table
        by_system.setdefault(system, []).append(table)
    if source_name in named:
        return named[source_name]
    only = by_system.get(source_name, [])
    return only[0] if len(only) == 1 else None


def quarantined_rows(table: str, reason: str | None, limit: int = 500) -> Query:
    """The quarantined rows of one table (and reason), with their raw text, in file order."""
    if not table.replace("_", "").isalnum():
        raise ValueError(f"not a table name: {table!r}")
    where, params = _where([("rejection_reason = ?", reason)])
    return Query(f"select * from quarantine.{table}{where} order by all limit ?", (*params, limit))


# --- bank ----------------------------------------------------------------------------------


def bank_totals() -> Query:
    return Query(
        "select count(distinct location) as locations, count(distinct customer_id) as customers,"
        " sum(transaction_count) as transactions, sum(sum_amount) as amount"
        " from marts.location_customer_avg"
    )


def bank_locations(
    city: str | None = None, customer: str | None = None, limit: int | None = None
) -> Query:
    """Per location: customers, transactions, amount and the average transaction amount
    (amount / transactions, 2 decimals), largest amount first; `city` and `customer` match
    any part of the name, ignoring case."""
    where, params = _where(
        [
            ("location ilike ?", f"%{city.strip()}%" if city and city.strip() else None),
            (
                "customer_id ilike ?",
                f"%{customer.strip()}%" if customer and customer.strip() else None,
            ),
        ]
    )
    bounded = " limit ?" if limit else ""
    return Query(
        "select location, count(*) as customers, sum(transaction_count) as transactions,"
        " sum(sum_amount) as amount,"
        " round(sum(sum_amount) / sum(transaction_count), 2) as avg_amount"
        f" from marts.location_customer_avg{where}"
        f" group by location order by amount desc, location{bounded}",
        (*params, limit) if limit else params,
    )


def bank_customers(city: str | None = None, customer: str | None = None, limit: int = 500) -> Query:
    """The mart's rows (one per location and customer) that match, largest amount first."""
    where, params = _where(
        [
            ("location ilike ?", f"%{city.strip()}%" if city and city.strip() else None),
            (
                "customer_id ilike ?",
                f"%{customer.strip()}%" if customer and customer.strip() else None,
            ),
        ]
    )
    return Query(
        "select location, customer_id, transaction_count, sum_amount, avg_amount"
        f" from marts.location_customer_avg{where}"
        " order by sum_amount desc, location, customer_id limit ?",
        (*params, limit),
    )


# --- trades --------------------------------------------------------------------------------


def _trades_where(
    client_types: Sequence[str] | None, first: date | None, last: date | None
) -> tuple[str, tuple[Any, ...]]:
    return _where(
        [
            ("client_type", client_types),
            ("trade_week >= ?", first),
            ("trade_week <= ?", last),
        ]
    )


def trades_weekly_volume(
    client_types: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _trades_where(client_types, first, last)
    return Query(
        "select trade_week, client_type, sum(total_volume) as total_volume,"
        f" sum(trade_count) as trade_count from marts.weekly_trades{where}"
        " group by all order by 1, 2",
        params,
    )


def trades_by_client_type(
    client_types: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _trades_where(client_types, first, last)
    return Query(
        "select client_type, count(distinct user_id) as users, sum(trade_count) as trades,"
        " sum(total_volume) as total_volume, sum(total_pnl) as total_pnl"
        f" from marts.weekly_trades{where} group by all order by 1",
        params,
    )


def trades_pnl_distribution(
    client_types: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    """Percentiles of total_pnl (per week, user and symbol) by client type."""
    where, params = _trades_where(client_types, first, last)
    quantiles = ", ".join(
        f"cast(quantile_cont(total_pnl, {q}) as double) as p{int(q * 100):02d}"
        for q in (0.05, 0.25, 0.5, 0.75, 0.95)
    )
    return Query(
        "select client_type, count(*) as rows, cast(min(total_pnl) as double) as minimum,"
        f" {quantiles}, cast(max(total_pnl) as double) as maximum"
        f" from marts.weekly_trades{where} group by all order by 1",
        params,
    )


def top_bronze_clients(by: str) -> Query:
    if by not in ("volume", "pnl"):
        raise ValueError(f"top bronze clients by volume or pnl, not {by!r}")
    return Query(
        "select client_rank, cast(user_id as varchar) as user_id, total_volume, total_pnl,"
        f" trade_count from marts.top_bronze_clients_by_{by} order by client_rank, user_id"
    )


# --- sales ---------------------------------------------------------------------------------


def _sales_where(
    channels: Sequence[str] | None, first: date | None, last: date | None
) -> tuple[str, tuple[Any, ...]]:
    return _where([("channel", channels), ("sales_date >= ?", first), ("sales_date <= ?", last)])


def sales_daily(
    channels: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _sales_where(channels, first, last)
    return Query(
        "select sales_date, channel, order_count, units_sold, revenue"
        f" from marts.daily_sales{where} order by 1, 2",
        params,
    )


def sales_by_channel(
    channels: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _sales_where(channels, first, last)
    return Query(
        "select channel, count(*) as days, sum(order_count) as orders,"
        " sum(units_sold) as units_sold, sum(revenue) as revenue"
        f" from marts.daily_sales{where} group by all order by 1",
        params,
    )


def sales_top_products(
    first: date | None = None, last: date | None = None, limit: int = 10
) -> Query:
    where, params = _where([("sales_date >= ?", first), ("sales_date <= ?", last)])
    return Query(
        "select product_id, count(*) as days_in_top, sum(units_sold) as units_sold,"
        f" sum(revenue) as revenue from marts.daily_top_products{where}"
        " group by all order by revenue desc, product_id limit ?",
        (*params, limit),
    )


def sales_daily_top5(first: date, last: date) -> Query:
    return Query(
        "select sales_date, product_rank, product_id, units_sold, revenue"
        " from marts.daily_top_products where sales_date between ? and ?"
        " order by sales_date, product_rank",
        (first, last),
    )


def sales_dates() -> Query:
    return Query("select min(sales_date), max(sales_date) from marts.daily_sales")


# --- streaming -----------------------------------------------------------------------------


def streaming_kpis(
    columns: Sequence[str], first: date | None = None, last: date | None = None
) -> Query:
    where, params = _where([("stream_month >= ?", first), ("stream_month <= ?", last)])
    return Query(
        f"select stream_month, {', '.join(columns)}"
        f" from marts.streaming_monthly_kpis{where} order by 1",
        params,
    )


def users_affected_by_outage(start: datetime, end: datetime) -> Query:
    """Seed 003, question 2, as the project answers it (the macro
    streaming_users_affected_by_outage and the analysis users_affected_by_outage): distinct
    users with a current stream running at some moment of [start, end], both included."""
    return Query(
        "select count(distinct user_id) as affected_users from staging.stg_streaming__streams"
        " where start_at <= ? and end_at >= ?",
        (end, start),
    )


# --- retail --------------------------------------------------------------------------------


def _retail_where(
    column: str, values: Sequence[str] | None, first: date | None, last: date | None
) -> tuple[str, tuple[Any, ...]]:
    return _where(
        [(column, values), ("transaction_month >= ?", first), ("transaction_month <= ?", last)]
    )


def retail_by_region_month(
    regions: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _retail_where("region", regions, first, last)
    return Query(
        "select transaction_month, region, transaction_count, units_sold, revenue"
        f" from marts.regional_monthly_metrics{where}"
        " order by 1, 2",
        params,
    )


def retail_by_region(
    regions: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _retail_where("region", regions, first, last)
    return Query(
        "select region, sum(transaction_count) as transactions, sum(units_sold) as units_sold,"
        f" sum(revenue) as revenue from marts.regional_monthly_metrics{where}"
        " group by all order by revenue desc, region",
        params,
    )


def retail_by_category_month(
    categories: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _retail_where("product_category", categories, first, last)
    return Query(
        "select transaction_month, product_category, transaction_count, units_sold, revenue"
        f" from marts.category_monthly_trends{where} order by 1, 2",
        params,
    )


def retail_by_category(
    categories: Sequence[str] | None = None, first: date | None = None, last: date | None = None
) -> Query:
    where, params = _retail_where("product_category", categories, first, last)
    return Query(
        "select product_category, sum(transaction_count) as transactions,"
        f" sum(units_sold) as units_sold, sum(revenue) as revenue"
        f" from marts.category_monthly_trends{where}"
        " group by all order by revenue desc, product_category",
        params,
    )


def retail_segments() -> Query:
    return Query(
        "select segment, count(*) as customers, sum(monetary) as monetary,"
        " round(avg(frequency), 2) as avg_frequency,"
        " round(avg(recency_days), 1) as avg_recency_days"
        " from marts.customer_segments group by all order by customers desc, segment"
    )


def retail_daily_revenue(first: date | None = None, last: date | None = None) -> Query:
    where, params = _where([("transaction_date >= ?", first), ("transaction_date <= ?", last)])
    return Query(
        "select transaction_date, transaction_count, customer_count, units_sold, revenue,"
        f" average_order_value from marts.daily_revenue{where} order by 1",
        params,
    )


def distinct_values(relation: str, column: str) -> Query:
    """The distinct values of a filter column (channels, regions, client types...)."""
    return Query(f"select distinct {column} from {relation} where {column} is not null order by 1")


def value_range(relation: str, column: str) -> Query:
    return Query(f"select min({column}), max({column}) from {relation}")
