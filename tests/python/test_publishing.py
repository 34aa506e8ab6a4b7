"""The production build (`make build` = analytics-build) with real concurrent processes:
analysts are never locked out, a failed or killed build never touches the published file,
every build is in the run history, and a failure sends one e-mail to a real SMTP server.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from analytics.generate.bank import generate_bank
from conftest import PROJECT_DIR, dbt_env, read_only

BUILD = str(Path(sys.executable).with_name("analytics-build"))


def build(
    raw_dir: Path, database: Path, *dbt_args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**dbt_env(raw_dir, database, database.parent), **(extra_env or {})}
    return subprocess.run(
        [BUILD, *dbt_args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mart_total(database: Path) -> tuple[int, int]:
    with read_only(database) as con:
        row = con.execute(
            "select count(*), sum(transaction_count) from marts.location_customer_avg"
        ).fetchone()
    assert row is not None
    return row


@pytest.fixture
def two_deliveries(tmp_path: Path) -> tuple[Path, Path]:
    """Two raw folders with different bank data: version 1 and version 2 of the warehouse."""
    first, second = tmp_path / "raw_v1", tmp_path / "raw_v2"
    generate_bank(first, rows=1_000, seed=1, files=1)
    generate_bank(second, rows=3_000, seed=2, files=2)
    return first, second


READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = "select count(*), sum(transaction_count) from marts.location_customer_avg"
    print("before", *con.execute(query).fetchone(), flush=True)
    sys.stdin.readline()  # hold the file open until the test says go on
    print("after", *con.execute(query).fetchone(), flush=True)
    """
)


def test_an_open_reader_keeps_its_version_and_the_build_succeeds(
    tmp_path: Path, two_deliveries: tuple[Path, Path]
) -> None:
    first, second = two_deliveries
    database = tmp_path / "warehouse.duckdb"
    assert build(first, database).returncode == 0
    version_1 = mart_total(database)

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().split() == ["before", *map(str, version_1)]

    # the build runs while the reader holds the published file open
    result = build(second, database)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    reader.stdin.write("go\n")
    reader.stdin.flush()
    assert reader.stdout.readline().split() == ["after", *map(str, version_1)]
    assert reader.wait(timeout=60) == 0

    # a new connection sees the new version: the 3,000 rows of delivery 2
    version_2 = mart_total(database)
    assert version_2 != version_1
    with read_only(database) as con:
        accounting = con.execute(
            "select sum(rows_read), sum(rows_accepted) from audit.row_accounting"
        ).fetchone()
    assert accounting == (3_000, version_2[1])


def test_a_killed_build_leaves_the_published_file_as_it_was(
    tmp_path: Path, two_deliveries: tuple[Path, Path]
) -> None:
    first, _ = two_deliveries
    database = tmp_path / "warehouse.duckdb"
    assert build(first, database).returncode == 0
    before = checksum(database)
    version_1 = mart_total(database)

    big = tmp_path / "raw_big"
    generate_bank(big, rows=2_000_000, seed=3, files=2)
    env = dbt_env(big, database, tmp_path)
    process = subprocess.Popen(
        [BUILD],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait until dbt is mid-way (writing the big staging table into the build copy), then
    # kill the whole build, dbt included
    log = tmp_path / "logs" / "dbt.log"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and "START sql table model staging.base_bank__transactions" in (
            log.read_text(errors="replace")
        ):
            break
        time.sleep(0.1)
    time.sleep(1)
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    assert checksum(database) == before
    assert mart_total(database) == version_1

    # the next build is not blocked by the killed one, and publishes
    second = build(first, database)
    assert second.returncode == 0, second.stderr[-3000:]
    assert mart_total(database) == version_1


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_a_failing_test_keeps_the_published_file_and_sends_one_email(
    tmp_path: Path, two_deliveries: tuple[Path, Path], smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    alerts = {
        "ANALYTICS_SMTP_HOST": "127.0.0.1",
        "ANALYTICS_SMTP_PORT": str(port),
        "ANALYTICS_ALERT_FROM": "warehouse@example.com",
        "ANALYTICS_ALERT_TO": "data-team@example.com, oncall@example.com",
    }
    first, second = two_deliveries
    database = tmp_path / "warehouse.duckdb"
    assert build(first, database, extra_env=alerts).returncode == 0
    assert inbox.messages == []  # no alert for a good build
    before = checksum(database)

    # an error-severity data test fails: no file may have more than 0.1% of its rows rejected
    failed = build(second, database, "--vars", "{max_quarantined_share: 0.001}", extra_env=alerts)
    assert failed.returncode != 0
    assert checksum(database) == before
    assert len(inbox.messages) == 1, failed.stderr[-2000:]
    sender, recipients, content = inbox.messages[0]
    assert sender == "warehouse@example.com"
    assert recipients == ["data-team@example.com", "oncall@example.com"]
    text = content.decode()
    assert "Subject: [analytics] build failed" in text
    assert "test quarantined_share_at_most_row_accounting (fail)" in text
    assert "last_failed.duckdb" in text

    # the failed run reaches the published run history with the next good build
    assert build(second, database, extra_env=alerts).returncode == 0
    with read_only(database) as con:
        statuses = [
            r[0]
            for r in con.execute(
                "select status from audit.run_history order by started_at"
            ).fetchall()
        ]
    assert statuses == ["success", "error", "success"]
    assert len(inbox.messages) == 1


def test_every_build_is_in_the_run_history_with_node_timings(
    tmp_path: Path, two_deliveries: tuple[Path, Path]
) -> None:
    first, _ = two_deliveries
    database = tmp_path / "warehouse.duckdb"
    assert build(first, database).returncode == 0
    assert build(first, database, "--full-refresh").returncode == 0
    with read_only(database) as con:
        runs = con.execute(
            "select command, status, nodes_failed, elapsed_seconds > 0"
            " from audit.run_history order by started_at"
        ).fetchall()
        models = con.execute(
            "select node_name, status, rows_affected from audit.node_history"
            " where resource_type = 'model' and materialized = 'table'"
            " and node_name = 'location_customer_avg'"
        ).fetchall()
        builds = con.execute("select count(*) from marts.data_quality_by_build").fetchone()
    assert runs == [("build", "success", 0, True)] * 2
    mart_rows = mart_total(database)[0]
    assert models == [("location_customer_avg", "success", mart_rows)] * 2
    assert builds == (2,)  # the accounting history survives --full-refresh


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DUCKDB_PATH", "/tmp/it's.duckdb", 'DUCKDB_PATH="/tmp/it\'s.duckdb" is not allowed'),
        ("RAW_DATA_DIR", "data/raw;drop", "RAW_DATA_DIR='data/raw;drop' is not allowed"),
        ("RAW_DATA_DIR", "/no/such/folder", "RAW_DATA_DIR=/no/such/folder is not a folder"),
    ],
)
def test_unsafe_or_missing_paths_are_refused_before_anything_runs(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    env = dbt_env(tmp_path, tmp_path / "warehouse.duckdb", tmp_path)
    env[variable] = value
    result = subprocess.run(
        [BUILD], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()
