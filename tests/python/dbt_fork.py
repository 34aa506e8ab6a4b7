"""The dbt CLI, started without paying for its imports each time.

Importing dbt costs about 3.4 s of CPU, and the suite runs dbt a couple of hundred times. So
each pytest process starts one small server (this file, run as a script) that imports dbt and
its DuckDB and PostgreSQL adapters once and then forks a fresh process per dbt run. That process
runs dbt's own console entry point (`dbt.cli.main:cli`, what `.venv/bin/dbt` runs) with the
run's arguments, environment and working folder, its standard output and error captured to
files, and leaves its exit code in a file. Each run still is a process of its own (nothing of
one run is left in the next), and one that outlives its timeout is killed, as with subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

#: imported once by the server, before any run is forked from it
PRELOAD = ("dbt.cli.main", "dbt.adapters.duckdb", "dbt.adapters.postgres")


# --- the server's side ----------------------------------------------------------------------


def _become_dbt(request: dict[str, object]) -> int:
    """In the forked process: run `dbt <args>` in cwd with env, output to the request's files."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        target = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    os.chdir(str(request["cwd"]))
    os.environ.clear()
    os.environ.update(request["env"])  # type: ignore[arg-type]
    sys.argv = ["dbt", *request["args"]]  # type: ignore[misc]
    code: object = 0
    try:
        from dbt.cli.main import cli

        code = cli()
    except SystemExit as exit_:
        code = exit_.code
    except BaseException:  # a traceback and code 1, as the console script gives
        import traceback

        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    return code


def _serve() -> None:
    """Read one JSON request per line; fork a dbt run for each; answer its process id."""
    for module in PRELOAD:
        __import__(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # runs are reaped by the kernel
    requests, answers = sys.stdin, sys.stdout
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            code = 1
            try:
                code = _become_dbt(request)
            finally:
                done = Path(str(request["code"]))
                done.with_suffix(".tmp").write_text(str(code))
                done.with_suffix(".tmp").rename(done)
            # Leave as the console script does, by a normal interpreter exit: it runs the
            # exit handlers and closes DuckDB's databases, which checkpoints the write-ahead
            # log into the file. os._exit would leave the log beside it, and a copy of the
            # file alone would miss the build. (The client reads the code once we are gone.)
            sys.exit(code)
        answers.write(f"{pid}\n")
        answers.flush()


# --- the client's side ----------------------------------------------------------------------

_server: subprocess.Popen[str] | None = None
_server_lock = threading.Lock()


def _ask(request: dict[str, object]) -> int:
    """Hand a request to this process's server (started on first use); its run's pid."""
    global _server
    with _server_lock:
        if _server is None or _server.poll() is not None:
            _server = subprocess.Popen(
                [sys.executable, __file__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        assert _server.stdin is not None and _server.stdout is not None
        _server.stdin.write(json.dumps(request) + "\n")
        _server.stdin.flush()
        return int(_server.stdout.readline())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def dbt_command(
    args: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` in cwd with env, as subprocess.run([dbt, *args], capture_output=True,
    text=True) gives it, in a process forked from the server."""
    argv = ["dbt", *args]
    with tempfile.TemporaryDirectory(prefix="dbt-run-") as folder:
        files = {name: os.path.join(folder, name) for name in ("stdout", "stderr", "code")}
        pid = _ask({"args": list(args), "env": dict(env), "cwd": str(cwd), **files})
        code_file = Path(files["code"])
        deadline = time.monotonic() + timeout
        pause = 0.005
        # Wait for the process to be gone, not only for its code: until it exits it may still
        # hold the warehouse file's lock, which the caller's next step may need.
        while _alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(argv, timeout)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        # ended without an exit code: killed
        returncode = int(code_file.read_text()) if code_file.exists() else -signal.SIGKILL
        stdout = Path(files["stdout"]).read_text(encoding="utf-8", errors="replace")
        stderr = Path(files["stderr"]).read_text(encoding="utf-8", errors="replace")
    return subprocess.CompletedProcess(argv, returncode, stdout, stderr)


if __name__ == "__main__":
    _serve()
