"""`analytics-report trades`: the seed's top-client reports, from the published marts.

Writes ``top3_bronze_by_volume.csv`` and ``top3_bronze_by_pnl.csv`` into the reports folder,
read from ``marts.top_bronze_clients_by_volume`` and ``marts.top_bronze_clients_by_pnl``
(the ranking, ties included, is decided in the marts; this module only copies them out).
Decimals are written in plain notation without trailing zeros (``-1505.5``, not
``-1505.500000000000``).
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

import duckdb

from analytics.reports.common import ReportError, connect_read_only, output_file, write_csv

REPORTS: dict[str, str] = {
    "top3_bronze_by_volume.csv": "marts.top_bronze_clients_by_volume",
    "top3_bronze_by_pnl.csv": "marts.top_bronze_clients_by_pnl",
}
COLUMNS: tuple[str, ...] = ("client_rank", "user_id", "total_volume", "total_pnl", "trade_count")


def plain(value: object) -> object:
    """A decimal in plain notation without trailing zeros; other values unchanged."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text
    return value


def write_trades_reports(database: Path | None, reports_dir: Path) -> list[Path]:
    """Write both report files; returns their paths."""
    written = []
    try:
        con = connect_read_only(database)
    except duckdb.Error as error:
        raise ReportError(f"cannot open the warehouse: {error}") from None
    try:
        for name, relation in REPORTS.items():
            try:
                rows = con.execute(
                    f"select {', '.join(COLUMNS)} from {relation} order by client_rank"
                ).fetchall()
            except duckdb.CatalogException:
                raise ReportError(
                    f"{relation} is missing from the warehouse: run `make build` first"
                ) from None
            path = output_file(reports_dir, name)
            write_csv(path, COLUMNS, ([plain(v) for v in row] for row in rows))
            written.append(path)
    finally:
        con.close()
    return written


def _handler(args: argparse.Namespace) -> int:
    for path in write_trades_reports(args.database, args.reports_dir):
        print(path)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trades",
        help="top 3 bronze clients by volume and by PnL (two CSV files)",
        description="Write top3_bronze_by_volume.csv and top3_bronze_by_pnl.csv.",
    )
    parser.set_defaults(handler=_handler)
