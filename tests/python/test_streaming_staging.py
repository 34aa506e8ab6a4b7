"""The streaming source up to staging, end to end: small hand-made batch folders -> the real
dbt CLI -> a real DuckDB file. JSON arrays and NDJSON (byte-order mark, CRLF, blank and
malformed lines), unusable files and folders, no streaming folder at all, tombstones in JSON
and CSV, a late batch, a re-delivered batch, and the snapshots' history. Only the streaming
nodes are built, to keep it fast.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import DbtResult, run_dbt

pytestmark = pytest.mark.dbt

ENTITIES = ("authors", "books", "reviews", "users", "movies", "streams")
KEYS = {
    "authors": "author_id",
    "books": "book_id",
    "reviews": "review_id",
    "users": "user_id",
    "movies": "movie_id",
    "streams": "stream_id",
}
STREAMING_NODES = (
    "+path:models/staging/streaming",
    "quarantine_streaming__*",
    "path:snapshots/streaming",
)
# cautious: a test runs only when all its parents are built (not the other sources' tests)
SELECTION_FLAGS = ("--exclude", "test_type:unit", "--indirect-selection", "cautious")
STREAMING = ("--select", *STREAMING_NODES, *SELECTION_FLAGS)
USERS_HEADER = "id,name,email,country,signup_date,updated_at"
MOVIES_HEADER = "id,title,duration_mins,based_on_book,book_id,release_year,updated_at"
STREAMS_HEADER = "id,user_id,movie_id,start_at,end_at,size_mb,updated_at"


def write(path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def ndjson(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def build(raw: Path, database: Path, *args: str, data_tests: bool = True) -> DbtResult:
    """dbt build of the streaming nodes; without data tests for the intermediate steps."""
    skip_tests = () if data_tests else ("--exclude", "test_type:unit", "resource_type:test")
    return run_dbt(raw, database, "build", *STREAMING, *skip_tests, *args, work_dir=database.parent)


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


def current(result: DbtResult, entity: str, columns: str) -> list[tuple[Any, ...]]:
    return result.query(f"select {columns} from staging.stg_streaming__{entity} order by 1")


def classified(result: DbtResult, entity: str) -> list[tuple[Any, ...]]:
    return result.query(
        f"select source_file, record_number, row_status, rejection_reason"
        f" from staging.base_streaming__{entity} order by 1, 2"
    )


def warehouse_state(result: DbtResult) -> dict[str, list[tuple[Any, ...]]]:
    """Every current-state model and snapshot, row for row."""
    state = {}
    for entity in ENTITIES:
        state[f"stg_{entity}"] = result.query(
            f"select * from staging.stg_streaming__{entity} order by {KEYS[entity]}"
        )
        state[f"snapshot_{entity}"] = result.query(
            f"select * from snapshots.streaming_{entity}_snapshot"
            f" order by {KEYS[entity]}, dbt_valid_from"
        )
    return state


def current_state(result: DbtResult) -> dict[str, list[tuple[Any, ...]]]:
    return {k: v for k, v in warehouse_state(result).items() if k.startswith("stg_")}


def test_json_shapes_tombstones_and_the_accounting(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    day1, day2 = raw / "streaming" / "2024-01-01", raw / "streaming" / "2024-01-02"
    # an array file with a byte-order mark, an element that is not an object, nested fields
    write(
        day1 / "authors.json",
        json.dumps(
            [
                {
                    "id": 1,
                    "name": "  Caf\u00e9 &amp; Cr\u00e8me\t\U0001f389 ",
                    "nationality": "singaporian",
                    "birth": {"date": "1970-02-03", "place": {"city": "Singapore"}},
                    "updated_at": "2024-01-01T08:00:00+08:00",
                },
                "not an object",
                {"id": "2", "name": "Ben", "nationality": "SG"},
            ]
        ),
        bom=True,
    )
    # NDJSON with a byte-order mark, CRLF endings, a blank line and a malformed line
    write(
        day1 / "books.json",
        ndjson({"id": 10, "title": "B1", "author_id": 1, "genres": ["Drama", " ", "Sci-Fi"]})
        + "\n"
        + '{"id": 11, "title": \n'
        + ndjson({"id": 12, "title": "B2", "published": {"year": 2001, "publisher": "P"}}),
        bom=True,
        crlf=True,
    )
    write(day1 / "reviews.json", ndjson({"id": 100, "movie_id": 7, "rating": 4}))
    write(day1 / "users.csv", f"{USERS_HEADER}\n1,Ann,A@X.COM,SG,2023-05-01,\n2,Bob,,,,\n")
    write(day1 / "movies.csv", f"{MOVIES_HEADER}\n7,Seven,120,true,10,2001,\n")
    write(
        day1 / "streams.csv",
        f"{STREAMS_HEADER}\n"
        "50,1,7,2024-01-01T23:30:00,2024-01-02T00:30:00,700.5,\n"
        "51,1,8,2024-01-01T10:00:00,2024-01-01T11:00:00,1,\n",
    )
    write(day1 / "notes.txt", "not an entity: ignored")
    write(day1 / "_SUCCESS", "")
    # a folder without any entity file is not a batch, whatever its name
    write(raw / "streaming" / "incoming" / "_SUCCESS", "")
    # tombstones: JSON (other fields ignored) and CSV (`_deleted`, any case, spaces)
    write(day2 / "authors.json", ndjson({"id": 2, "_deleted": True, "name": "ignored"}))
    write(day2 / "users.csv", f"{USERS_HEADER},_deleted\n2,,,,,, True \n1,Ann,a@x.com,SG,,,false\n")

    result = run_dbt(
        raw,
        tmp_path / "warehouse.duckdb",
        "build",
        "--select",
        *STREAMING_NODES,
        "+row_accounting",
        *SELECTION_FLAGS,
        "--vars",
        "{max_quarantined_share: 1}",
    )
    assert_built(result)

    assert result.query(
        "select source_file, entity, file_format, records_read, file_status"
        " from staging.stg_streaming__files order by 1"
    ) == [
        ("streaming/2024-01-01/authors.json", "authors", "json_array", 3, "loaded"),
        ("streaming/2024-01-01/books.json", "books", "ndjson", 3, "loaded"),
        ("streaming/2024-01-01/movies.csv", "movies", "csv", 1, "loaded"),
        ("streaming/2024-01-01/reviews.json", "reviews", "ndjson", 1, "loaded"),
        ("streaming/2024-01-01/streams.csv", "streams", "csv", 2, "loaded"),
        ("streaming/2024-01-01/users.csv", "users", "csv", 2, "loaded"),
        ("streaming/2024-01-02/authors.json", "authors", "ndjson", 1, "loaded"),
        ("streaming/2024-01-02/users.csv", "users", "csv", 2, "loaded"),
    ]
    # record numbers: array position; NDJSON physical line (the blank line 2 is skipped)
    assert classified(result, "books") == [
        ("streaming/2024-01-01/books.json", 1, "accepted", None),
        ("streaming/2024-01-01/books.json", 3, "quarantined", "malformed_record"),
        ("streaming/2024-01-01/books.json", 4, "accepted", None),
    ]
    assert result.query("select raw_record from quarantine.quarantine_streaming__books") == [
        ('{"id": 11, "title": ',)
    ]
    assert result.query(
        "select record_number, raw_record from quarantine.quarantine_streaming__authors"
    ) == [(2, '"not an object"')]
    assert current(result, "authors", "author_id, author_name, nationality, birth_city") == [
        (1, "Café & Crème", "Singaporean", "Singapore"),
    ]
    assert current(result, "books", "book_id, genres, published_year, publisher") == [
        (10, ["Drama", "Sci-Fi"], None, None),
        (12, None, 2001, "P"),
    ]
    assert result.query("select * from staging.stg_streaming__book_genres order by 1, 2") == [
        (10, 1, "Drama"),
        (10, 2, "Sci-Fi"),
    ]
    # the CSV tombstone removes user 2; `false` is not a deletion (and updates user 1)
    assert current(result, "users", "user_id, email, signup_date, batch_date") == [
        (1, "a@x.com", None, date(2024, 1, 2)),
    ]
    # a stream of an unknown movie is quarantined; one crossing midnight is fine
    assert classified(result, "streams") == [
        ("streaming/2024-01-01/streams.csv", 2, "accepted", None),
        ("streaming/2024-01-01/streams.csv", 3, "quarantined", "unknown_movie"),
    ]
    # nothing lost: every record of every file is accounted for
    accounting = result.query(
        "select source_name, source_file, rows_read, rows_accepted, rows_duplicate,"
        " rows_quarantined from audit.row_accounting where source_name like 'streaming%'"
        " order by 2"
    )
    assert len(accounting) == 8
    assert all(row[2] == row[3] + row[4] + row[5] for row in accounting)
    assert ("streaming_books", "streaming/2024-01-01/books.json", 3, 2, 0, 1) in accounting


def test_an_unusable_array_file_stops_the_build_naming_it(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write(raw / "streaming" / "2024-01-01" / "authors.json", '[{"id": 1}, {"id": 2}')
    result = build(raw, tmp_path / "warehouse.duckdb")
    assert result.returncode != 0
    assert "streaming file streaming/2024-01-01/authors.json is unusable" in result.output


def test_a_batch_folder_that_is_not_a_date_stops_the_build_naming_it(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write(raw / "streaming" / "2024-01-01" / "users.csv", f"{USERS_HEADER}\n1,Ann,,,,\n")
    write(raw / "streaming" / "2024-02-30" / "users.csv", f"{USERS_HEADER}\n2,Bob,,,,\n")
    result = build(raw, tmp_path / "warehouse.duckdb")
    assert result.returncode != 0
    assert "streaming batch folder streaming/2024-02-30 is unusable" in result.output


def test_no_streaming_folder_builds_empty_models_with_a_warning(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    result = build(raw, tmp_path / "warehouse.duckdb")
    assert_built(result)
    for entity in ENTITIES:
        assert result.query(f"select count(*) from staging.stg_streaming__{entity}") == [(0,)]
        assert result.query(f"select count(*) from staging.base_streaming__{entity}") == [(0,)]
    assert result.query("select count(*) from staging.stg_streaming__files") == [(0,)]
    run_results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    warned = " ".join(r["unique_id"] for r in run_results["results"] if r["status"] == "warn")
    assert "at_least_one_streaming_json_file" in warned
    assert "at_least_one_streaming_csv_file" in warned


def test_late_batch_redelivery_and_history_replay_like_a_full_build(tmp_path: Path) -> None:
    drop = tmp_path / "drop"  # every batch the vendor ever sends, delivered one by one below
    b1, b2, b3 = (drop / day for day in ("2024-01-01", "2024-01-02", "2024-01-03"))
    write(b1 / "users.csv", f"{USERS_HEADER}\n1,Ann,,,,\n2,Bob,,,,\n3,Cy,,,,\n")
    write(b1 / "movies.csv", f"{MOVIES_HEADER}\n7,Seven,120,true,,,\n")
    write(
        b1 / "streams.csv",
        f"{STREAMS_HEADER}\n"
        "50,1,7,2024-01-01T10:00:00,2024-01-01T11:00:00,1,\n"
        "51,2,8,2024-01-01T10:00:00,2024-01-01T11:00:00,1,\n",
    )
    write(b1 / "authors.json", json.dumps([{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]))
    # the newest batch: Ann renamed, Bob deleted (CSV), author 2 deleted (JSON)
    write(b3 / "users.csv", f"{USERS_HEADER},_deleted\n1,Ann C,,,,,\n2,,,,,,TRUE\n")
    write(b3 / "authors.json", ndjson({"id": 2, "_deleted": True}))
    # the late batch (an older date, delivered last): it must not overwrite Ann, but its new
    # user and its movie 8 (which makes stream 51 valid) count
    write(b2 / "users.csv", f"{USERS_HEADER}\n1,Ann B,,,,\n4,Dee,,,,\n")
    write(b2 / "movies.csv", f"{MOVIES_HEADER}\n8,Eight,90,false,,,\n")

    raw = tmp_path / "raw"
    database = tmp_path / "warehouse.duckdb"

    def deliver(batch: Path) -> DbtResult:
        shutil.copytree(batch, raw / "streaming" / batch.name)
        result = build(raw, database, data_tests=False)
        assert_built(result)
        return result

    first = deliver(b1)
    assert current(first, "users", "user_id, user_name") == [(1, "Ann"), (2, "Bob"), (3, "Cy")]
    assert classified(first, "streams")[1][3] == "unknown_movie"

    second = deliver(b3)
    assert current(second, "users", "user_id, user_name") == [(1, "Ann C"), (3, "Cy")]
    assert current(second, "authors", "author_id") == [(1,)]
    # history: Ann's change closes her first row; Bob's deletion closes his and opens a
    # deletion row
    assert second.query(
        "select user_id, user_name, dbt_valid_to is null, dbt_is_deleted"
        " from snapshots.streaming_users_snapshot order by user_id, dbt_valid_from"
    ) == [
        (1, "Ann", False, "False"),
        (1, "Ann C", True, "False"),
        (2, "Bob", False, "False"),
        (2, "Bob", True, "True"),
        (3, "Cy", True, "False"),
    ]

    third = deliver(b2)  # late
    assert current(third, "users", "user_id, user_name, batch_date") == [
        (1, "Ann C", date(2024, 1, 3)),
        (3, "Cy", date(2024, 1, 1)),
        (4, "Dee", date(2024, 1, 2)),
    ]
    assert current(third, "streams", "stream_id") == [(50,), (51,)]  # the orphan is valid now
    before = warehouse_state(third)

    # the first batch delivered again under a new date: every record is a duplicate, and
    # neither the current state nor the history changes (built with the data tests this time)
    shutil.copytree(b1, raw / "streaming" / "2024-01-04")
    fourth = build(raw, database)
    assert_built(fourth)
    assert warehouse_state(fourth) == before
    assert fourth.query(
        "select distinct row_status from staging.base_streaming__users"
        " where batch_date = date '2024-01-04'"
    ) == [("duplicate",)]

    # a full build of all batches at once ends in the same current state as the replay
    full = run_dbt(raw, tmp_path / "full.duckdb", "build", *STREAMING, work_dir=tmp_path)
    assert_built(full)
    assert current_state(full) == current_state(fourth)
