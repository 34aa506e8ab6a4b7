"""`analytics-report sales`: the seed's per-date report files, for one date or a backfill range.

    analytics-report [--database FILE] [--reports-dir DIR] sales --date YYYY-MM-DD
    analytics-report [--database FILE] [--reports-dir DIR] sales --from YYYY-MM-DD --to YYYY-MM-DD

For every date with sales, writes into the reports folder (default output/reports):

* ``daily_sales_<date>.csv``: ``sales_date,channel,order_count,units_sold,revenue``, one row
  per channel with sales that day, by channel name;
* ``top5_products_<date>.csv``: ``sales_date,product_rank,product_id,units_sold,revenue``,
  ranks 1..5 in order.

Read-only: the values come from ``marts.daily_sales`` and ``marts.daily_top_products``. A date
without sales writes nothing for that date and says so. Exit codes: 0 when at least one date
was written; 1 when no date of the request has sales (nothing written); 2 on an invalid date
or range, or a missing warehouse (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb

from analytics.reports.common import (
    ReportError,
    connect_read_only,
    csv_text,
    output_file,
    parse_date,
    write_atomic,
)

DAILY_SALES_HEADER = ("sales_date", "channel", "order_count", "units_sold", "revenue")
TOP5_HEADER = ("sales_date", "product_rank", "product_id", "units_sold", "revenue")
_SHOWN_MISSING = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sales",
        help="daily_sales_<date>.csv and top5_products_<date>.csv for a date or a range",
        description=(
            "Write daily_sales_<date>.csv and top5_products_<date>.csv for one date (--date)"
            " or every date of a range (--from and --to, both included)."
        ),
    )
    parser.add_argument("--date", help="one date, YYYY-MM-DD")
    parser.add_argument("--from", dest="date_from", help="first date of a range, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", help="last date of a range, YYYY-MM-DD")
    parser.set_defaults(handler=run)


def requested_range(args: argparse.Namespace) -> tuple[date, date]:
    """(first, last) date asked for; a clear ReportError for any other combination."""
    if args.date is not None:
        if args.date_from is not None or args.date_to is not None:
            raise ReportError("give either --date or --from and --to, not both")
        day = parse_date(args.date)
        return day, day
    if args.date_from is None or args.date_to is None:
        raise ReportError("give --date YYYY-MM-DD, or --from YYYY-MM-DD and --to YYYY-MM-DD")
    first, last = parse_date(args.date_from), parse_date(args.date_to)
    if first > last:
        raise ReportError(f"--from {first} is after --to {last}")
    return first, last


def per_date_reports(
    con: duckdb.DuckDBPyConnection, first: date, last: date
) -> list[tuple[date, dict[str, str]]]:
    """For every date in [first, last] with sales, in order: the date and its two report files
    ({file name: CSV text}). The dashboard offers the same files for download."""
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    if not {"daily_sales", "daily_top_products"} <= present:
        raise ReportError("the warehouse has no sales marts: run `make build` first")
    daily = con.execute(
        f"select {', '.join(DAILY_SALES_HEADER)} from marts.daily_sales"
        " where sales_date between ? and ? order by sales_date, channel",
        [first, last],
    ).fetchall()
    top = con.execute(
        f"select {', '.join(TOP5_HEADER)} from marts.daily_top_products"
        " where sales_date between ? and ? order by sales_date, product_rank",
        [first, last],
    ).fetchall()
    return [
        (
            day,
            {
                f"daily_sales_{day.isoformat()}.csv": csv_text(
                    DAILY_SALES_HEADER, (r for r in daily if r[0] == day)
                ),
                f"top5_products_{day.isoformat()}.csv": csv_text(
                    TOP5_HEADER, (r for r in top if r[0] == day)
                ),
            },
        )
        for day in sorted({row[0] for row in daily})
    ]


def write_sales_reports(
    database: Path | None, reports_dir: Path, first: date, last: date
) -> tuple[list[Path], list[date]]:
    """Write the files of every date in [first, last] with sales: (files written, dates
    without sales)."""
    con = connect_read_only(database)
    try:
        reports = per_date_reports(con, first, last)
    finally:
        con.close()
    # every path is checked before anything is written
    targets = [
        (output_file(reports_dir, name), text)
        for _, files in reports
        for name, text in files.items()
    ]
    written = [write_atomic(path, text) for path, text in targets]
    with_sales = {day for day, _ in reports}
    missing = []
    day = first
    while day <= last:
        if day not in with_sales:
            missing.append(day)
        day += timedelta(days=1)
    return written, missing


def run(args: argparse.Namespace) -> int:
    first, last = requested_range(args)
    written, missing = write_sales_reports(args.database, args.reports_dir, first, last)
    for path in written:
        print(f"wrote {path}")
    if missing:
        shown = ", ".join(day.isoformat() for day in missing[:_SHOWN_MISSING])
        more = f" and {len(missing) - _SHOWN_MISSING} more" if len(missing) > _SHOWN_MISSING else ""
        print(
            f"no sales data for {len(missing)} date(s): {shown}{more};"
            " no report file written for them",
            file=sys.stderr,
        )
    return 0 if written else 1
