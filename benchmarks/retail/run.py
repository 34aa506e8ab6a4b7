"""Retail benchmark: dbt + DuckDB against hand-written DuckDB SQL, pandas, Polars and Dask.

    make bench                                  # 100,000 rows, 3 repeats
    make bench BENCH_ARGS="--rows 10000000 --repeats 1"   # the figures in results.md
    # 100 million rows, generated beforehand (generate-data retail --rows 100000000 --seed 4
    # --out /tmp/retail100m/raw), dbt only, under a 4 GB DuckDB memory limit:
    make bench BENCH_ARGS="--rows 100000000 --retail-dir /tmp/retail100m/raw --repeats 1 \
        --engines dbt-retail --memory-limit 4GB --out /tmp/results-100m.md"

In one run, on the same generated files: each engine runs as its own process, `repeats` times,
under /usr/bin/time -v (peak memory = its maximum resident set size), and the medians go to a
Markdown table (benchmarks/retail/results.md by default). Engines:

* dbt-retail: `dbt build --selector retail` (every retail model and test: selectors.yml) from
  an empty warehouse on 100 daily files;
* dbt-retail-incremental: `dbt build --selector retail` of the same warehouse after one more
  daily file (1 % of the rows) arrives in the same folder (same paths as the full build, as a
  daily run would have, so dbt's partial parsing applies);
* dbt-bank: `dbt build --selector bank` (the foundation's bank models) on as many bank rows;
* duckdb-sql, pandas, polars, dask: benchmarks/retail/engines.py (the same rules by hand).

The generated files and warehouses live under --work and are deleted at the end (--keep keeps
them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENGINES_PY = Path(__file__).with_name("engines.py")
# Everything from this line on in the results file is kept when the file is written again (the
# 100-million-row run, which takes its own run of this script with --retail-dir).
KEPT = "<!-- run.py keeps what follows -->"
RETAIL = ["build", "--selector", "retail"]
BANK = ["build", "--selector", "bank"]
ALL = [
    "dbt-retail",
    "dbt-retail-incremental",
    "dbt-bank",
    "duckdb-sql",
    "pandas",
    "polars",
    "dask",
]


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    summary: dict[str, float] | None = None
    error: str | None = None


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run cmd under /usr/bin/time -v: (wall seconds, peak RSS in MB, stdout)."""
    began = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd[:3])} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    return seconds, peak, done.stdout


def dbt_env(raw: Path, db: Path, work: Path, memory_limit: str) -> dict[str, str]:
    env = {
        **os.environ,
        "RAW_DATA_DIR": str(raw),
        "DUCKDB_PATH": str(db),
        "DUCKDB_MEMORY_LIMIT": memory_limit,
        "DUCKDB_TEMP_DIR": str(work / "spill"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("DBT_TARGET", None)
    return env


def link_files(files: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        os.link(f, folder / f.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="retail rows (default 100k)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ALL), help="comma-separated subset")
    parser.add_argument(
        "--memory-limit",
        default="1500MB",
        help="DuckDB memory limit for dbt (default 1500MB: peak RSS under 2 GB at 10M rows)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/analytics-bench"))
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "benchmarks/retail/results.md")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--retail-dir",
        type=Path,
        help="use the retail files already in DIR/retail/ (all of them, for the full build)"
        " instead of generating; no incremental step then (e.g. the 100M run)",
    )
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    work: Path = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results: dict[str, Measure] = {e: Measure() for e in engines}
    try:
        gen_seconds = prepare(args, work, engines)
        run_all(args, work, engines, results)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    write_results(args, results, gen_seconds)
    print(args.out.read_text())
    return 0


def prepare(args: argparse.Namespace, work: Path, engines: list[str]) -> dict[str, float]:
    """Generate 101 daily retail files of 1 % of the rows each (100 for the full build, one
    for the incremental step) and, when dbt-bank runs, as many bank rows."""
    gen: dict[str, float] = {}
    generate = str(BIN / "generate-data")
    per_file = args.rows // 100
    if args.retail_dir:
        if "dbt-retail-incremental" in engines or "dbt-bank" in engines:
            raise SystemExit("--retail-dir: only dbt-retail and the hand-written engines")
        files = sorted((args.retail_dir.resolve() / "retail").glob("*.csv"))
        link_files(files, work / "raw_retail" / "retail")
        return gen
    began = time.perf_counter()
    subprocess.run(
        [
            *(generate, "retail", "--rows", str(per_file * 101), "--files", "101"),
            *("--seed", str(args.seed), "--out", str(work / "generated")),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    gen["retail"] = time.perf_counter() - began
    files = sorted((work / "generated" / "retail").glob("*.csv"))
    link_files(files[:100], work / "raw_retail" / "retail")
    link_files(files[100:], work / "next_day")
    if "dbt-bank" in engines:
        began = time.perf_counter()
        subprocess.run(
            [
                *(generate, "bank", "--rows", str(per_file * 100), "--seed", str(args.seed)),
                *("--out", str(work / "raw_bank")),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        gen["bank"] = time.perf_counter() - began
    return gen


def run_all(
    args: argparse.Namespace, work: Path, engines: list[str], results: dict[str, Measure]
) -> None:
    dbt = str(BIN / "dbt")
    raw = work / "raw_retail"
    full_db = work / "db" / "retail_full.duckdb"
    for repeat in range(args.repeats):
        for engine in engines:
            m = results[engine]
            if m.error:
                continue
            try:
                print(f"[{repeat + 1}/{args.repeats}] {engine}", flush=True)
                if engine == "dbt-retail" or (
                    engine == "dbt-retail-incremental" and not full_db.exists()
                ):
                    full_db.parent.mkdir(exist_ok=True)
                    full_db.unlink(missing_ok=True)
                    env = dbt_env(raw, full_db, work, args.memory_limit)
                    s, peak, _ = timed([dbt, *RETAIL], env)
                    if engine == "dbt-retail":
                        m.seconds.append(s)
                        m.peak_mb.append(peak)
                        m.summary = dbt_summary(full_db)
                if engine == "dbt-retail-incremental":
                    s, peak = incremental_build(dbt, raw, full_db, work, args.memory_limit)
                    m.seconds.append(s)
                    m.peak_mb.append(peak)
                elif engine == "dbt-bank":
                    db = work / "db" / "bank.duckdb"
                    db.unlink(missing_ok=True)
                    env = dbt_env(work / "raw_bank", db, work, args.memory_limit)
                    s, peak, _ = timed([dbt, *BANK], env)
                    m.seconds.append(s)
                    m.peak_mb.append(peak)
                    db.unlink()
                elif not engine.startswith("dbt-"):
                    out = work / "out" / engine
                    shutil.rmtree(out, ignore_errors=True)
                    cmd = [sys.executable, str(ENGINES_PY), engine, str(raw / "retail"), str(out)]
                    s, peak, stdout = timed(cmd, {**os.environ})
                    m.seconds.append(s)
                    m.peak_mb.append(peak)
                    m.summary = json.loads(stdout.strip().splitlines()[-1])
            except (RuntimeError, json.JSONDecodeError) as error:
                m.error = str(error).splitlines()[0][:200]
                print(error, file=sys.stderr)


def incremental_build(
    dbt: str, raw: Path, full_db: Path, work: Path, memory_limit: str
) -> tuple[float, float]:
    """The next day's file arrives in the same folder and the same warehouse is built again, as
    a daily run would (same paths, so dbt's partial parsing applies); then both are put back
    as they were for the other engines: (wall seconds, peak MB)."""
    saved = work / "db" / "retail_full.saved.duckdb"
    shutil.copy(full_db, saved)
    arrived = [raw / "retail" / f.name for f in sorted((work / "next_day").glob("*.csv"))]
    for f in arrived:
        os.link(work / "next_day" / f.name, f)
    try:
        s, peak, _ = timed([dbt, *RETAIL], dbt_env(raw, full_db, work, memory_limit))
    finally:
        for f in arrived:
            f.unlink()
        shutil.move(saved, full_db)
    return s, peak


def dbt_summary(db: Path) -> dict[str, float]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        accepted, revenue = con.execute(
            "select count(*), sum(amount) from staging.stg_retail__transactions"
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    return {"accepted": accepted, "revenue": float(revenue or 0)}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_results(
    args: argparse.Namespace, results: dict[str, Measure], gen: dict[str, float]
) -> None:
    reference = results.get("dbt-retail", Measure()).summary
    lines = [
        "# Retail benchmark results",
        "",
        f"Written by `benchmarks/retail/run.py` on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())}"
        " UTC:"
        f" {args.rows:,} retail rows in 100 daily files (seed {args.seed}), {args.repeats} runs per"
        f" engine, each a separate process; median wall time and median peak resident memory"
        f" (`/usr/bin/time -v`). Machine: {os.cpu_count()} cores, {platform.machine()},"
        f" Python {platform.python_version()}, shared with other builds while it ran"
        f" (at niceness {os.nice(0)})."
        f" dbt runs `dbt build --selector retail` (or `bank`) with DuckDB `memory_limit`"
        f" {args.memory_limit}.",
        "",
        f"Generating the files took {gen.get('retail', 0):.1f} s (retail, 101 files)"
        + (f" and {gen['bank']:.1f} s (bank)." if "bank" in gen else "."),
        "",
        "| engine | median s | min s | max s | peak memory MB (median) | DuckDB memory limit"
        " | accepted rows | same result as dbt |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for engine, m in results.items():
        if m.error:
            lines.append(f"| {engine} | failed: {m.error} | | | | | | |")
            continue
        agrees = ""
        if m.summary and reference and engine != "dbt-retail":
            same = m.summary["accepted"] == reference["accepted"] and abs(
                m.summary["revenue"] - reference["revenue"]
            ) <= 1e-6 * max(1.0, abs(reference["revenue"]))
            agrees = "yes" if same else f"no ({m.summary['accepted']:,} rows)"
        accepted = f"{int(m.summary['accepted']):,}" if m.summary else ""
        lines.append(
            f"| {engine} | {median(m.seconds):.1f} | {min(m.seconds):.1f} | {max(m.seconds):.1f}"
            f" | {median(m.peak_mb):,.0f} | {limit_of(engine, args.memory_limit)} | {accepted}"
            f" | {agrees} |"
        )
    lines += ["", *aims(results)] if "dbt-retail" in results else []
    kept = ""
    if args.out.exists():
        previous = args.out.read_text(encoding="utf-8")
        if KEPT in previous:
            kept = "\n" + previous[previous.index(KEPT) :]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")


def limit_of(engine: str, memory_limit: str) -> str:
    """The DuckDB memory limit an engine ran under (the peers that are not DuckDB: none)."""
    if engine.startswith("dbt-"):
        return memory_limit
    return "DuckDB default (80 % of RAM)" if engine == "duckdb-sql" else "n/a"


def aims(results: dict[str, Measure]) -> list[str]:
    def t(engine: str) -> float:
        m = results.get(engine)
        return median(m.seconds) if m and not m.error else float("nan")

    dbt, sql, polars, inc = (
        t("dbt-retail"),
        t("duckdb-sql"),
        t("polars"),
        t("dbt-retail-incremental"),
    )
    peak = median(results["dbt-retail"].peak_mb) if "dbt-retail" in results else float("nan")
    rows = [
        ("dbt build within 2x hand-written DuckDB SQL", f"{dbt / sql:.2f}x", dbt <= 2 * sql),
        ("dbt build faster than Polars", f"{dbt:.1f} s vs {polars:.1f} s", dbt < polars),
        ("dbt build peak memory under 2 GB", f"{peak:,.0f} MB", peak < 2048),
        ("a new 1 % file in under 10 % of a full build", f"{inc / dbt:.0%}", inc < 0.1 * dbt),
    ]
    out = ["| aim | measured | met |", "|---|---|---|"]
    for aim, measured, met in rows:
        verdict = "yes" if met else "no"
        if "nan" in measured:  # an engine it needs did not run (--engines) or failed
            measured, verdict = "not measured", "n/a"
        out.append(f"| {aim} | {measured} | {verdict} |")
    return out


if __name__ == "__main__":
    sys.exit(main())
