"""The production build (`make build` = analytics-build) with real concurrent processes:
analysts are never locked out, a failed or killed build never touches the published file,
every build is in the run history, and a failure sends one e-mail to a real SMTP server.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller

from analytics.build import STORAGE_VERSION, _default_target_path, storage_version
from analytics.generate.bank import generate_bank
from conftest import (
    PROJECT_DIR,
    SAMPLE_RAW_DIR,
    SampleBuild,
    dbt_cli,
    dbt_env,
    read_only,
    selector,
    stable_env,
)

pytestmark = [pytest.mark.dbt, pytest.mark.server]

BUILD = str(Path(sys.executable).with_name("analytics-build"))
# the bank data of these builds: bank alone, with the row accounting (the others are empty)
BANK = selector("bank")


def build(
    raw_dir: Path, database: Path, *dbt_args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """analytics-build (what `make build` runs) of raw_dir into database, on the worker's
    stable paths (conftest.stable_env), so that dbt's parse carries over between builds."""
    with stable_env(raw_dir, database, database.parent, *dbt_args, kind="analytics-build") as env:
        return subprocess.run(
            [BUILD, *dbt_args],
            cwd=PROJECT_DIR,
            env={**env, **(extra_env or {})},
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


def start_reader(database: Path) -> subprocess.Popen[str]:
    """An analyst's process holding the file open read-only until told to go on (READER)."""
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_an_open_reader_keeps_its_version_and_the_build_succeeds(
    tmp_path: Path, two_deliveries: tuple[Path, Path]
) -> None:
    first, second = two_deliveries
    database = tmp_path / "warehouse.duckdb"
    assert build(first, database, *BANK).returncode == 0
    version_1 = mart_total(database)

    reader = start_reader(database)
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().split() == ["before", *map(str, version_1)]

    # the build runs while the reader holds the published file open
    result = build(second, database, *BANK)
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


#: Where kill -9 lands, spread over the whole build: (the event to wait for in dbt's log, or
#: "started" / "dbt finished" (run_results.json written, the publish comes next), and the delay
#: after it in seconds). The points inside dbt are the ones whose kill must land while the
#: build still runs (the build is long enough for that).
KILL_POINTS = [
    ("started", 0.3),  # copying the published file, starting dbt
    ("START sql table model staging.base_bank__transactions", 0.0),  # the big model
    ("START sql view model staging.stg_bank__transactions", 0.1),
    ("START test ", 0.1),  # data tests
    ("START hook: analytics.on-run-end", 0.0),  # the run history hook
    ("dbt finished", 0.0),  # around the publish: checkpoint, fsync, rename
    ("dbt finished", 0.03),
]


def test_kill_9_anywhere_in_a_build_leaves_the_old_or_the_new_warehouse(tmp_path: Path) -> None:
    """Builds killed with SIGKILL (the whole process group, dbt included) at points spread over
    the build, the writing phases and the publish rename included: each time the published file
    is byte-identical to the old one or is the complete new one, never a mix; the next build
    after all of them is green and publishes that same new warehouse."""
    small, big = tmp_path / "raw_small", tmp_path / "raw_big"
    generate_bank(small, rows=1_000, seed=1, files=1)
    generate_bank(big, rows=60_000, seed=3, files=2)
    database = tmp_path / "warehouse.duckdb"
    assert build(small, database, *BANK).returncode == 0
    old_bytes = database.read_bytes()
    old = checksum(database)
    version_1 = mart_total(database)

    log = tmp_path / "logs" / "dbt.log"
    run_results = tmp_path / "target" / "run_results.json"
    landed = []
    for event, delay in KILL_POINTS:
        restored = tmp_path / "restore.duckdb"
        restored.write_bytes(old_bytes)
        os.replace(restored, database)
        offset = log.stat().st_size if log.exists() else 0
        run_results.unlink(missing_ok=True)
        with stable_env(big, database, tmp_path, *BANK, kind="analytics-build") as env:
            process = subprocess.Popen(
                [BUILD, *BANK],
                cwd=PROJECT_DIR,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 300
            while event != "started" and process.poll() is None:
                assert time.monotonic() < deadline, f"no {event!r} in 300 s"
                if event == "dbt finished":
                    if run_results.exists():
                        break
                elif log.exists():
                    with log.open("rb") as handle:
                        handle.seek(offset)
                        if event.encode() in handle.read():
                            break
                time.sleep(0.01)
            time.sleep(delay)
            finished = process.poll() is not None
            if not finished:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
        if checksum(database) == old:
            landed.append((event, delay, finished, "old"))
        else:
            # not the old bytes: then the whole new warehouse (checked against the final build
            # below), published by the rename
            with read_only(database) as con:
                assert con.execute("select count(*) from audit.row_accounting").fetchone() == (2,)
            landed.append((event, delay, finished, mart_total(database)))
        assert not finished or landed[-1][3] != "old", (event, delay, "finished unkilled")
    # the kills inside dbt landed while the build was running: in its models, tests and hook
    inside = [point for point in landed if point[0].startswith("START")]
    assert inside and not any(finished for _, _, finished, _ in inside), landed
    assert all(outcome == "old" for *_, outcome in inside), landed

    # the next build is not blocked by any killed one, and publishes; every kill that left a
    # new warehouse left exactly this one
    after = build(big, database, *BANK)
    assert after.returncode == 0, after.stderr[-3000:]
    version_2 = mart_total(database)
    assert version_2 != version_1
    assert all(outcome in ("old", version_2) for *_, outcome in landed), landed


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def mail_text(content: bytes) -> str:
    """The decoded body of a received message (long lines come quoted-printable)."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    body = message.get_body()
    assert body is not None
    return f"Subject: {message['Subject']}\n" + body.get_content()


def alert_env(port: int) -> dict[str, str]:
    """Alerts on, to the test's SMTP server."""
    return {
        "ANALYTICS_SMTP_HOST": "127.0.0.1",
        "ANALYTICS_SMTP_PORT": str(port),
        "ANALYTICS_ALERT_FROM": "warehouse@example.com",
        "ANALYTICS_ALERT_TO": "data-team@example.com, oncall@example.com",
    }


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
    alerts = alert_env(port)
    first, second = two_deliveries
    database = tmp_path / "warehouse.duckdb"
    assert build(first, database, *BANK, extra_env=alerts).returncode == 0
    assert inbox.messages == []  # no alert for a good build
    before = checksum(database)

    # an error-severity data test fails: no file may have more than 0.1% of its rows rejected
    failed = build(
        second, database, *BANK, "--vars", "{max_quarantined_share: 0.001}", extra_env=alerts
    )
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
    assert build(second, database, *BANK, extra_env=alerts).returncode == 0
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
    assert build(first, database, *BANK).returncode == 0
    assert build(first, database, *BANK, "--full-refresh").returncode == 0
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


# --- the guard: a wrong input folder never publishes an emptied warehouse ---------------------


def source_rows(database: Path) -> dict[str, int]:
    with read_only(database) as con:
        return dict(
            con.execute(
                "select source_name, sum(rows_read)::int from audit.row_accounting"
                " group by 1 having sum(rows_read) > 0"
            ).fetchall()
        )


def published_bank(tmp_path: Path) -> tuple[Path, Path]:
    """A raw folder with one bank file, and the warehouse published from it."""
    raw = tmp_path / "raw"
    generate_bank(raw, rows=500, seed=4, files=1)
    database = tmp_path / "warehouse.duckdb"
    assert build(raw, database, *BANK).returncode == 0
    return raw, database


def test_a_folder_one_level_off_is_refused_before_anything_runs_and_alerts(
    tmp_path: Path, smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    raw, database = published_bank(tmp_path)
    before = checksum(database)

    # the operator's typo: a real folder, one level off (it holds bank's files, no source folder)
    wrong = build(raw / "bank", database, *BANK, extra_env=alert_env(port))
    assert wrong.returncode == 2
    assert "holds none of the source folders (bank, trades, sales, streaming," in wrong.stderr
    assert "Nothing was built" in wrong.stderr
    assert checksum(database) == before
    assert len(inbox.messages) == 1
    assert "holds none of the source folders" in inbox.messages[0][2].decode()


def test_a_source_that_vanished_is_not_published_unless_allowed(
    tmp_path: Path, smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    raw, database = published_bank(tmp_path)
    before = checksum(database)
    assert source_rows(database) == {"bank": 500}

    # the bank files went missing (another source's folder is there): dbt builds with a
    # warning, but nothing is published
    shutil.rmtree(raw / "bank")
    (raw / "trades").mkdir()
    refused = build(raw, database, *BANK, extra_env=alert_env(port))
    assert refused.returncode != 0
    assert "no files for bank in RAW_DATA_DIR=" in refused.stderr
    assert "ANALYTICS_ALLOW_MISSING_SOURCES=bank" in refused.stderr
    assert checksum(database) == before
    assert len(inbox.messages) == 1
    text = mail_text(inbox.messages[0][2])
    assert "source bank: no files" in text
    # the warning an operator must not miss is in the alert too
    assert "at_least_one_stg_bank__transaction_files_source_file (warn)" in text, text

    # a source retired on purpose
    allowed = build(raw, database, *BANK, extra_env={"ANALYTICS_ALLOW_MISSING_SOURCES": "bank"})
    assert allowed.returncode == 0, allowed.stderr[-3000:]
    assert source_rows(database) == {}
    assert "warning(s):" in allowed.stdout
    # and an unknown name in the switch is an error, not a silent no-op
    unknown = build(raw, database, *BANK, extra_env={"ANALYTICS_ALLOW_MISSING_SOURCES": "bnak"})
    assert unknown.returncode == 2
    assert "names no source system: bnak" in unknown.stderr


def test_production_builds_leave_unit_tests_out_and_parse_once(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate_bank(raw, rows=300, seed=6, files=1)
    database = tmp_path / "warehouse.duckdb"

    def build_here() -> subprocess.CompletedProcess[str]:
        # on this test's own paths, with a new target folder (no saved parse carried in)
        return subprocess.run(
            [BUILD, *BANK],
            cwd=PROJECT_DIR,
            env=dbt_env(raw, database, tmp_path),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    first = build_here()
    assert first.returncode == 0, first.stderr[-3000:]
    assert "dbt parses the whole project first" in first.stdout
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert "unit_test" not in kinds and {"model", "test"} <= kinds
    second = build_here()
    assert second.returncode == 0, second.stderr[-3000:]
    # the build copy's path and the target folder stay the same: dbt parses only what changed
    assert "dbt parses the whole project first" not in second.stdout
    assert "Unable to do partial parsing" not in second.stdout


def test_each_warehouse_gets_its_own_dbt_target_folder() -> None:
    one = _default_target_path(Path("warehouse/analytics.duckdb"))
    other = _default_target_path(Path("/data/analytics.duckdb"))
    assert one != other and one.parent == other.parent == Path("target")
    assert one.name.startswith("build-analytics-")
    # so two builds from one checkout never share dbt's artefacts, and plain dbt keeps target/
    assert one != Path("target")


def test_the_published_file_opens_in_the_duckdb_cli_of_pypi(tmp_path: Path) -> None:
    """The CLI users install (`duckdb-cli` 1.5.6) and every DuckDB 1.x client read it."""
    raw = tmp_path / "raw"
    generate_bank(raw, rows=300, seed=6, files=1)
    database = tmp_path / "warehouse.duckdb"
    assert build(raw, database, *BANK).returncode == 0
    assert storage_version(database) == f"{STORAGE_VERSION}+"
    cli = Path(sys.executable).with_name("duckdb")
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("v1.5.6")
    opened = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            str(database),
            "-c",
            "select count(*) from marts.location_customer_avg",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split() == ["count_star()", str(mart_total(database)[0])]


def test_a_warehouse_in_duckdb_2_format_is_converted_once(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate_bank(raw, rows=300, seed=6, files=1)
    database = tmp_path / "warehouse.duckdb"
    assert build(raw, database, *BANK).returncode == 0
    want = mart_total(database)
    # what a build before the pin published: the same warehouse in DuckDB 2.0's own format
    newer = tmp_path / "newer.duckdb"
    with duckdb.connect() as con:
        con.execute(f"attach '{database}' as old (read_only)")
        con.execute(f"attach '{newer}' as new (storage_version 'v2.0.0')")
        con.execute("copy from database old to new")
    shutil.move(newer, database)
    assert storage_version(database) == "v2.0.0+"
    converted = build(raw, database, *BANK)
    assert converted.returncode == 0, converted.stderr[-3000:]
    assert "rewrote the copy in storage v1.0.0" in converted.stdout
    assert storage_version(database) == f"{STORAGE_VERSION}+"
    assert mart_total(database) == want


READ_ONLY_COMMANDS = [
    ("docs", "generate"),
    ("show", "--inline", "select count(*) as n from {{ ref('location_customer_avg') }}"),
    ("show", "--inline", "select count(*) as n from marts.location_customer_avg"),
    (
        "run-operation",
        "streaming_users_affected_by_outage",
        "--args",
        '{outage_start: "2024-01-01", outage_end: "2024-12-31"}',
    ),
    (
        "compile",
        "--select",
        "users_affected_by_outage",
        "--vars",
        '{outage_start: "2024-01-01", outage_end: "2024-12-31"}',
    ),
]


def test_read_only_commands_work_beside_a_reader_and_a_running_build(
    sample_build: SampleBuild, tmp_path: Path
) -> None:
    """The `reader` target (make docs, make show, make outage, analyses) attaches the published
    file read-only: it runs while an analyst holds the file and while a build is publishing."""
    database = sample_build.copy_to(tmp_path / "published")
    expected = sample_build.query("select count(*) from marts.location_customer_avg")[0][0]
    users = sample_build.query(
        "select count(distinct user_id) from staging.stg_streaming__streams"
        " where start_at <= timestamp '2024-12-31' and end_at >= timestamp '2024-01-01'"
    )[0][0]
    analyst = start_reader(database)
    assert analyst.stdout is not None and analyst.stdin is not None
    assert analyst.stdout.readline().startswith("before")
    # a production build of the same warehouse runs meanwhile (it writes and swaps a copy)
    with stable_env(SAMPLE_RAW_DIR, database, tmp_path / "build", kind="analytics-build") as env:
        running = subprocess.Popen(
            [BUILD, *BANK],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        reader_env = {
            **dbt_env(SAMPLE_RAW_DIR, database, tmp_path / "reader"),
            "DBT_TARGET": "reader",
        }
        outputs = []
        for command in READ_ONLY_COMMANDS:
            done = dbt_cli(command, reader_env)
            assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-2000:])
            outputs.append(done.stdout)
        _, stderr = running.communicate(timeout=600)
    assert running.returncode == 0, stderr[-3000:]
    analyst.stdin.write("go\n")
    analyst.stdin.flush()
    assert analyst.stdout.readline().startswith("after")
    assert analyst.wait(timeout=60) == 0

    catalog = json.loads((tmp_path / "reader" / "target" / "catalog.json").read_text())
    assert "model.analytics.location_customer_avg" in catalog["nodes"]
    assert f"| {expected} |" in outputs[1]
    assert f"| {expected} |" in outputs[2]  # a plain schema.table name, as analysts write it
    assert f"(a stream running at some moment of it): {users}" in outputs[3]
    compiled = tmp_path / "reader" / "target" / "compiled" / "analytics" / "analyses"
    sql = (compiled / "streaming" / "users_affected_by_outage.sql").read_text()
    with read_only(database) as con:
        assert con.execute(sql).fetchall() == [(users,)]


def test_two_builds_sharing_a_dbt_target_folder_never_run_at_once(tmp_path: Path) -> None:
    """Two warehouses built from one checkout at the same time with one DBT_TARGET_PATH: the
    second build is refused at once instead of mixing dbt's artefacts with the first's."""
    raw = tmp_path / "raw"
    generate_bank(raw, rows=50_000, seed=8, files=2)
    shared_target = tmp_path / "shared_target"

    def start(database: Path) -> subprocess.Popen[str]:
        env = {**dbt_env(raw, database, database.parent), "DBT_TARGET_PATH": str(shared_target)}
        return subprocess.Popen(
            [BUILD, *BANK],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = start(tmp_path / "one" / "warehouse.duckdb")
    lock = shared_target / "build.lock"
    deadline = time.monotonic() + 60
    while not lock.exists():  # the first build holds the target folder's lock
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = start(tmp_path / "two" / "warehouse.duckdb")
    _, refused = second.communicate(timeout=120)
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-3000:]
    assert second.returncode == 2
    assert f"another build holds {lock}" in refused
    assert not (tmp_path / "two" / "warehouse.duckdb").exists()
