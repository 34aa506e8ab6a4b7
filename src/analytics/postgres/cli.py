"""`analytics-postgres`: start or stop a local PostgreSQL server, load the raw files.

analytics-postgres server start [--dir .postgres]   # prints `export POSTGRES_...` lines
analytics-postgres server stop  [--dir .postgres]
analytics-postgres load [--raw-dir data/raw]         # the raw schemas, from RAW_DATA_DIR
analytics-postgres build [DBT BUILD ARGUMENTS...]    # load, build, publish (publish.py)
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from analytics.postgres import load, publish, server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="analytics-postgres", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    server_parser = commands.add_parser("server", help="a local throwaway server")
    server_parser.add_argument("action", choices=["start", "stop"])
    server_parser.add_argument("--dir", type=Path, default=Path(".postgres"))
    load_parser = commands.add_parser("load", help="load the raw files into the raw schemas")
    load_parser.add_argument("--raw-dir", default=os.environ.get("RAW_DATA_DIR", "data/raw"))
    build_parser = commands.add_parser(
        "build", help="load, build into build_* schemas, publish them in one transaction"
    )
    build_parser.add_argument("dbt_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "build":
        return publish.main(args.dbt_args)

    if args.command == "load":
        with load.connect() as connection:
            load.load(connection, args.raw_dir, load.declared_tables())
        return 0
    data_dir = args.dir / "data"
    port_file = args.dir / "port"
    if args.action == "stop":
        server.stop(data_dir)
        return 0
    port = int(port_file.read_text()) if port_file.exists() else None
    running = server.start(data_dir, port)
    port_file.write_text(str(running.port))
    env_lines = [f"export {k}={shlex.quote(v)}" for k, v in running.env().items()]
    (args.dir / "env").write_text("\n".join(env_lines) + "\n")
    print("\n".join(env_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
