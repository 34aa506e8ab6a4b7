"""`analytics-report`: write report files from the published warehouse.

Each source system that has reports adds a subcommand here (see `register`), implemented in
its own module of this package.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from analytics.reports import html, sales, trades
from analytics.reports.common import DEFAULT_REPORTS_DIR, ReportError

Registrar = Callable[[argparse._SubParsersAction], None]

# Each entry adds one subcommand; its parser sets `handler(args) -> int`.
REGISTRARS: list[Registrar] = [trades.register, sales.register, html.register]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analytics-report",
        description="Write report files (CSV, HTML) from the warehouse, opened read-only.",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="warehouse file (default: $DUCKDB_PATH or warehouse/analytics.duckdb)",
    )
    parser.add_argument(
        "--reports-dir",
        type=Path,
        default=DEFAULT_REPORTS_DIR,
        help=f"folder the files go to (default: {DEFAULT_REPORTS_DIR})",
    )
    subparsers = parser.add_subparsers(dest="report", required=True)
    for register in REGISTRARS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ReportError as error:
        print(f"analytics-report: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
