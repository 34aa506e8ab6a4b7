"""`generate-data`: write synthetic raw files into a raw data folder.

    generate-data bank --rows N --seed S --out DIR [--files K] [--crlf] [--bom]
                       [--defect-rate R] [--manifest FILE]
    generate-data trades --users N --weeks M --seed S --out DIR [--trades-per-week K]
                         [--crlf] [--bom] [--defect-rate R] [--manifest FILE]
    generate-data sales --days N --rows-per-file R --seed S --out DIR [--start YYYY-MM-DD]
                        [--defect-rate R] [--manifest FILE]
    generate-data retail --rows N --seed S --out DIR [--files K] [--start YYYY-MM-DD]
                         [--defect-rate R] [--manifest FILE]
    generate-data streaming --seed S --out DIR [--scale K] [--authors N] [--books N]
                            [--movies N] [--users N] [--reviews N] [--streams N]
                            [--defect-rate R] [--manifest FILE]
    generate-data sample --out DIR [--manifest FILE]

One subcommand per source system, plus `sample`, which writes the small sample committed in
data/raw (every source; its manifest is {"bank": ..., "trades": ..., "sales": ...,
"streaming": ...}). Each file written prints one line: its name and rows (and seconds).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from analytics.generate.bank import generate_bank, generate_bank_sample
from analytics.generate.retail import DEFAULT_START, generate_retail, generate_retail_sample
from analytics.generate.sales import FIRST_DAY, generate_sales, generate_sales_sample
from analytics.generate.streaming import (
    MIN_SIZES,
    generate_streaming,
    generate_streaming_sample,
    scaled_sizes,
)
from analytics.generate.trades import generate_trades, generate_trades_sample

#: The source folders of DIR the generator writes to (a manifest must not land in them).
SOURCE_FOLDERS = ("bank", "trades", "sales", "retail", "streaming")


def _check_manifest_path(manifest: Path | None, out: Path) -> None:
    """Refuse a manifest inside a source folder of DIR (the build would read it as data)."""
    if manifest is None:
        return
    for folder in SOURCE_FOLDERS:
        if manifest.resolve().is_relative_to((out / folder).resolve()):
            raise SystemExit(f"--manifest must not be inside {out / folder}: {manifest}")


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a rate between 0 and 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate-data", description="Write synthetic raw data files."
    )
    sub = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")

    bank = sub.add_parser(
        "bank",
        help="bank transactions: DIR/bank/2016_08.csv, 2016_09.csv, ...",
        description="Bank transactions, one file per month from August 2016.",
    )
    bank.add_argument("--rows", type=_non_negative_int, required=True, help="rows in total")
    bank.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    bank.add_argument("--out", type=Path, required=True, help="the raw data folder (DIR)")
    bank.add_argument("--files", type=_positive_int, default=3, help="files (months), default 3")
    bank.add_argument("--crlf", action="store_true", help="CRLF line endings in every file")
    bank.add_argument("--bom", action="store_true", help="a UTF-8 byte-order mark in every file")
    bank.add_argument(
        "--defect-rate",
        type=_rate,
        default=0.03,
        help="share of rows with a defect, spread over all defect kinds (default 0.03)",
    )
    bank.add_argument("--threads", type=_positive_int, default=None, help="DuckDB threads")
    bank.add_argument("--manifest", type=Path, help="write the manifest as JSON (not in DIR/bank)")

    trades = sub.add_parser(
        "trades",
        help="trades: DIR/trades/2024-01-01.csv, one file per week",
        description="Trades of N users over M weeks from Monday 2024-01-01, one file per week.",
    )
    trades.add_argument("--users", type=_non_negative_int, required=True, help="clients")
    trades.add_argument("--weeks", type=_positive_int, required=True, help="weeks (files)")
    trades.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    trades.add_argument("--out", type=Path, required=True, help="the raw data folder (DIR)")
    trades.add_argument(
        "--trades-per-week",
        type=_non_negative_int,
        default=3,
        help="average trades per user and week (default 3)",
    )
    trades.add_argument("--crlf", action="store_true", help="CRLF line endings in every file")
    trades.add_argument("--bom", action="store_true", help="a UTF-8 byte-order mark in every file")
    trades.add_argument(
        "--defect-rate",
        type=_rate,
        default=0.05,
        help="share of rows with a defect, spread over all defect kinds (default 0.05)",
    )
    trades.add_argument(
        "--manifest", type=Path, help="write the manifest as JSON (not in DIR/trades)"
    )

    sales = sub.add_parser(
        "sales",
        help="multi-channel sales: DIR/sales/<web|mobile|store>_<YYYY-MM-DD>.csv",
        description="Multi-channel daily sales, one file per channel and day.",
    )
    sales.add_argument("--days", type=_positive_int, required=True, help="days (x 3 channels)")
    sales.add_argument(
        "--rows-per-file", type=_non_negative_int, required=True, help="data rows per file"
    )
    sales.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    sales.add_argument("--out", type=Path, required=True, help="the raw data folder (DIR)")
    sales.add_argument(
        "--start",
        type=date.fromisoformat,
        default=FIRST_DAY,
        help=f"first day, YYYY-MM-DD (default {FIRST_DAY.isoformat()})",
    )
    sales.add_argument(
        "--defect-rate",
        type=_rate,
        default=0.05,
        help="share of rows with a defect, spread over all defect kinds (default 0.05)",
    )
    sales.add_argument(
        "--manifest", type=Path, help="write the manifest as JSON (not in DIR/sales)"
    )

    retail = sub.add_parser(
        "retail",
        help="retail transactions: DIR/retail/2024-01-01.csv, one file per day",
        description="Retail transactions (seed 004), one file per day from --start.",
    )
    retail.add_argument("--rows", type=_non_negative_int, required=True, help="rows in total")
    retail.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    retail.add_argument("--out", type=Path, required=True, help="the raw data folder (DIR)")
    retail.add_argument("--files", type=_positive_int, default=100, help="days, default 100")
    retail.add_argument(
        "--start", type=date.fromisoformat, default=DEFAULT_START, help="first day (2024-01-01)"
    )
    retail.add_argument(
        "--defect-rate", type=_rate, default=0.02, help="share of rows with a defect (0.02)"
    )
    retail.add_argument("--threads", type=_positive_int, default=None, help="DuckDB threads")
    retail.add_argument("--manifest", type=Path, help="write the manifest as JSON")

    streaming = sub.add_parser(
        "streaming",
        help="streaming vendor feed: DIR/streaming/<YYYY-MM-DD>/ (six batches of six files)",
        description="Streaming vendor feed (seed 003): an initial load 2024-01-31 and change "
        "batches to 2024-05-31 (one of them late), with updates, deletions, copies, nested "
        "JSON and every quarantine reason. --scale 1 writes 100,000 streams (--scale 10: a "
        "million); --authors ... --streams set one entity's bulk records directly.",
    )
    streaming.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    streaming.add_argument("--out", type=Path, required=True, help="the raw data folder (DIR)")
    streaming.add_argument(
        "--scale", type=_positive_float, default=1.0, help="size multiplier (default 1)"
    )
    for entity, minimum in MIN_SIZES.items():
        streaming.add_argument(
            f"--{entity}", type=int, default=None, help=f"{entity} (at least {minimum})"
        )
    streaming.add_argument(
        "--defect-rate",
        type=_rate,
        default=0.02,
        help="share of bulk records with a random defect (default 0.02)",
    )
    streaming.add_argument(
        "--manifest", type=Path, help="write the manifest as JSON (not in DIR/streaming)"
    )

    sample = sub.add_parser(
        "sample",
        help="the small committed sample of every source (every defect kind, deterministic)",
        description="Write the committed sample: bank (300 rows in 3 files), trades "
        "(12 users over 3 weeks), sales (3 days x 3 channels of 40 rows), retail "
        "(400 rows in 5 files) and streaming (six batches, about 400 records).",
    )
    sample.add_argument("--out", type=Path, required=True, help="the raw data folder (DIR)")
    sample.add_argument("--manifest", type=Path, help="write the manifest as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _check_manifest_path(args.manifest, args.out)
    if args.source == "bank":
        manifest = generate_bank(
            args.out,
            rows=args.rows,
            seed=args.seed,
            files=args.files,
            crlf=args.crlf,
            bom=args.bom,
            defect_rate=args.defect_rate,
            threads=args.threads,
            progress=True,
        )
    elif args.source == "trades":
        manifest = generate_trades(
            args.out,
            users=args.users,
            weeks=args.weeks,
            seed=args.seed,
            trades_per_week=args.trades_per_week,
            crlf=args.crlf,
            bom=args.bom,
            defect_rate=args.defect_rate,
            progress=True,
        )
    elif args.source == "sales":
        manifest = generate_sales(
            args.out,
            days=args.days,
            rows_per_file=args.rows_per_file,
            seed=args.seed,
            defect_rate=args.defect_rate,
            start=args.start,
            progress=True,
        )
    elif args.source == "retail":
        manifest = generate_retail(
            args.out,
            rows=args.rows,
            seed=args.seed,
            files=args.files,
            start=args.start,
            defect_rate=args.defect_rate,
            threads=args.threads,
            progress=True,
        )
    elif args.source == "streaming":
        sizes = scaled_sizes(args.scale)
        for entity in MIN_SIZES:
            if getattr(args, entity) is not None:
                sizes[entity] = getattr(args, entity)
        try:
            manifest = generate_streaming(
                args.out,
                seed=args.seed,
                sizes=sizes,
                defect_rate=args.defect_rate,
                progress=True,
            )
        except ValueError as error:
            raise SystemExit(f"generate-data streaming: {error}") from None
    elif args.source == "sample":
        bank_manifest = generate_bank_sample(args.out, progress=True)
        trades_manifest = generate_trades_sample(args.out, progress=True)
        sales_manifest = generate_sales_sample(args.out, progress=True)
        generate_retail_sample(args.out, progress=True)
        streaming_manifest = generate_streaming_sample(args.out, progress=True)
        if args.manifest is not None:
            args.manifest.parent.mkdir(parents=True, exist_ok=True)
            combined = {
                "bank": bank_manifest.to_dict(),
                "trades": trades_manifest.to_dict(),
                "sales": sales_manifest.to_dict(),
                "streaming": streaming_manifest.to_dict(),
            }
            args.manifest.write_text(json.dumps(combined, indent=2) + "\n", encoding="utf-8")
        return 0
    else:  # pragma: no cover - argparse rejects unknown subcommands
        raise SystemExit(f"unknown source {args.source}")
    if args.manifest is not None:
        manifest.write_json(args.manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
