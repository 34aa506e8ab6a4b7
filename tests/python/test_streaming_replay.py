"""Replay: the sample's streaming batches delivered one at a time, in the generator's delivery
order (a late batch after a newer one, one batch delivered twice), with one incremental
`dbt build` per delivery, against one full-refresh build over all batches.

After every delivery the warehouse must equal the independent reference computed from the
files present at that moment (a comparison stronger than the data tests, which run on the
last delivery only: they are 60 % of a step's time); at the end it must equal the full
build; a build with nothing new must change nothing; and the snapshots must hold the history
the deliveries made: one row per version each id went through, deletions visible, validity
ranges chained.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE_RAW_DIR, DbtResult, SampleBuild, read_only, run_dbt
from reference.streaming import load
from test_streaming_end_to_end import (
    ID_COLUMNS,
    SEED_CSV,
    assert_built,
    differences,
    file_bytes,
    generate_sample,
)

pytestmark = [pytest.mark.dbt]

SELECTOR = ("--selector", "streaming")
NO_DATA_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
#: What a build yields that must not depend on how the batches were delivered.
COMPARED = {
    **{f"staging.stg_streaming__{e}": id_column for e, id_column in ID_COLUMNS.items()},
    "staging.stg_streaming__book_genres": "book_id, genre_position",
    **{f"quarantine.quarantine_streaming__{e}": "source_file, record_number" for e in ID_COLUMNS},
    "marts.streaming_monthly_kpis": "stream_month",
}
#: Columns that say when a row was written, not what it holds.
BUILD_TIME_COLUMNS = {"quarantined_at"}


def capture(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every compared table's rows in a stable order, build-time columns left out."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with read_only(database) as con:
        for table, order in COMPARED.items():
            schema, name = table.split(".")
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, name],
                ).fetchall()
                if row[0] not in BUILD_TIME_COLUMNS
            ]
            tables[table] = con.execute(
                f"select {', '.join(columns)} from {table} order by {order}"
            ).fetchall()
    return tables


def snapshot_rows(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    with read_only(database) as con:
        return {
            entity: con.execute(
                f"select {id_column}, record_hash, dbt_valid_from, dbt_valid_to,"
                " cast(dbt_is_deleted as varchar)"
                f" from snapshots.streaming_{entity}_snapshot"
                f" order by {id_column}, dbt_valid_from, dbt_is_deleted"
            ).fetchall()
            for entity, id_column in ID_COLUMNS.items()
        }


def current_hashes(database: Path) -> dict[str, dict[int, str]]:
    with read_only(database) as con:
        return {
            entity: dict(
                con.execute(
                    f"select {id_column}, record_hash from staging.stg_streaming__{entity}"
                ).fetchall()
            )
            for entity, id_column in ID_COLUMNS.items()
        }


def expected_history(states: list[dict[int, str]]) -> dict[int, list[tuple[str, bool]]]:
    """(record_hash, is_deletion_row) per id, in order, from the current state after each build.

    A new or changed record opens a row; a record that disappears gets a deletion row (dbt's
    hard_deletes='new_record') carrying its last values; one that comes back opens a new row.
    """
    history: dict[int, list[tuple[str, bool]]] = {}
    previous: dict[int, str] = {}
    for state in states:
        for key, record_hash in state.items():
            if previous.get(key) != record_hash:
                history.setdefault(key, []).append((record_hash, False))
        for key, record_hash in previous.items():
            if key not in state:
                history[key].append((record_hash, True))
        previous = state
    return history


def is_deletion(flag: str | None) -> bool:
    return flag is not None and flag.lower() == "true"


@pytest.fixture(scope="module")
def replay(sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("streaming_replay")
    sample = work / "sample"
    manifest = generate_sample(sample)
    batches = sample / "streaming"
    # the generator wrote the committed batches, so the session's sample build is the one full
    # build over every batch
    assert file_bytes(batches) == file_bytes(SAMPLE_RAW_DIR / "streaming")

    # the same batches delivered one at a time, one build each
    raw = work / "raw"
    (raw / "streaming").mkdir(parents=True)
    replay_db = work / "replay" / "warehouse.duckdb"
    replay_db.parent.mkdir()
    steps: list[dict[str, Any]] = []
    order = manifest["delivery_order"]
    for position, batch in enumerate(order, start=1):
        shutil.copytree(batches / batch, raw / "streaming" / batch, dirs_exist_ok=True)
        # the data tests run on the last delivery (and on the build with nothing new below):
        # every step before it is compared with the reference instead, table by table
        # (unit tests stay out, as run_dbt's environment leaves them out of every step)
        no_tests = () if position == len(order) else NO_DATA_TESTS
        built: DbtResult = run_dbt(
            raw, replay_db, "build", *SELECTOR, *no_tests, work_dir=replay_db.parent
        )
        assert_built(built)
        steps.append(
            {
                "batch": batch,
                "tables": capture(replay_db),
                "hashes": current_hashes(replay_db),
                "snapshots": snapshot_rows(replay_db),
                "problems": differences(DbtResult(0, "", replay_db), load(raw, SEED_CSV)),
            }
        )
    return {
        "manifest": manifest,
        "raw": raw,
        "full": capture(sample_build.database),
        "replay_db": replay_db,
        "steps": steps,
    }


def test_delivery_order_has_a_late_batch_and_a_redelivery(replay) -> None:
    order = replay["manifest"]["delivery_order"]
    assert len(set(order)) < len(order), "no batch is delivered twice"
    assert any(later < earlier for earlier, later in itertools.pairwise(order)), "no late batch"


def test_every_step_equals_the_reference_of_the_files_present(replay) -> None:
    problems = [(step["batch"], step["problems"]) for step in replay["steps"]]
    assert all(not found for _, found in problems), problems


def test_replay_equals_one_full_build(replay) -> None:
    last = replay["steps"][-1]["tables"]
    for table, rows in replay["full"].items():
        assert last[table] == rows, table


def test_redelivered_batch_changes_nothing(replay) -> None:
    steps = replay["steps"]
    seen: set[str] = set()
    checked = 0
    for before, step in itertools.pairwise(steps):
        if step["batch"] in seen or step["batch"] == before["batch"]:
            assert step["tables"] == before["tables"], step["batch"]
            assert step["snapshots"] == before["snapshots"], step["batch"]
            checked += 1
        seen.add(before["batch"])
    assert checked >= 1


def test_a_build_with_nothing_new_changes_nothing(replay) -> None:
    database = replay["replay_db"]
    assert_built(run_dbt(replay["raw"], database, "build", *SELECTOR, work_dir=database.parent))
    assert capture(database) == replay["steps"][-1]["tables"]
    assert snapshot_rows(database) == replay["steps"][-1]["snapshots"]


def test_snapshots_hold_every_version_and_deletion_in_order(replay) -> None:
    steps = replay["steps"]
    final = steps[-1]["snapshots"]
    deletions = 0
    changes = 0
    for entity in ID_COLUMNS:
        want = expected_history([step["hashes"][entity] for step in steps])
        got: dict[int, list[tuple[Any, ...]]] = {}
        for row in final[entity]:
            got.setdefault(row[0], []).append(row)
        assert set(got) == set(want), entity
        for key, rows in got.items():
            assert [(r[1], is_deletion(r[4])) for r in rows] == want[key], (entity, key)
            # validity ranges chain: each row ends where the next begins; the last is open
            for row, following in itertools.pairwise(rows):
                assert row[3] == following[2], (entity, key)
            assert rows[-1][3] is None, (entity, key)
            deletions += sum(is_deletion(r[4]) for r in rows)
            changes += len(rows) > 1
    assert deletions > 0, "the replay deleted nothing"
    assert changes > 0, "the replay changed nothing"
