"""`analytics-dashboard`: serve the dashboard on localhost with the project's settings.

    analytics-dashboard [--port 8501] [--address 127.0.0.1] [--database FILE]

Streamlit runs headless, without usage statistics, without a file watcher, bound to the loopback
address: nothing leaves the machine. The warehouse is --database, else $DUCKDB_PATH, else
warehouse/analytics.duckdb, opened read-only per query.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).with_name("app.py")
DEFAULT_PORT = 8501


def streamlit_command(port: int, address: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        f"--server.address={address}",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
        "--theme.base=light",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="analytics-dashboard", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("DASHBOARD_PORT", DEFAULT_PORT))
    )
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--database", type=Path, help="warehouse file (default: $DUCKDB_PATH)")
    args = parser.parse_args(argv)
    if args.database is not None:
        os.environ["DUCKDB_PATH"] = str(args.database.absolute())
    command = streamlit_command(args.port, args.address)
    os.execv(command[0], command)  # the server takes this process over (signals reach it)
    return 0  # pragma: no cover


if __name__ == "__main__":
    raise SystemExit(main())
