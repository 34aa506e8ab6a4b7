"""End to end: the streaming batches of the committed sample -> the real dbt CLI -> a real
DuckDB file, compared row for row with an independent implementation of the rules
(reference/streaming.py) and with the generator's manifest: the classification of every raw
record, the accounting per file, the quarantine reasons, the current state of all six
entities, the genres bridge, the monthly KPIs and the outage question.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT_DIR, SAMPLE_RAW_DIR, DbtResult, SampleBuild, run_dbt
from reference.streaming import ENTITIES, KPI_COLUMNS, StreamingReference, load

pytestmark = pytest.mark.dbt

OUTAGE_ANALYSIS = Path(
    "compiled", "analytics", "analyses", "streaming", "users_affected_by_outage.sql"
)
SEED_CSV = PROJECT_DIR / "seeds" / "streaming_nationality_spellings.csv"
ID_COLUMNS = {
    "authors": "author_id",
    "books": "book_id",
    "reviews": "review_id",
    "users": "user_id",
    "movies": "movie_id",
    "streams": "stream_id",
}


def assert_built(result: DbtResult) -> None:
    assert result.returncode == 0, result.output[-4000:]


def generate_sample(out: Path) -> dict[str, Any]:
    """The committed sample regenerated into `out`, with its manifest's streaming part."""
    manifest = out / "manifest.json"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("generate-data")),
            "sample",
            "--out",
            str(out),
            "--manifest",
            str(manifest),
        ],
        check=True,
        capture_output=True,
    )
    return json.loads(manifest.read_text())["streaming"]


def entity_names() -> list[str]:
    return [entity if isinstance(entity, str) else entity.name for entity in ENTITIES]


def current_state(result: DbtResult, entity: str, columns: list[str]) -> dict[int, dict]:
    id_column = ID_COLUMNS[entity]
    rows = result.query(
        f"select {', '.join(columns)} from staging.stg_streaming__{entity} order by {id_column}"
    )
    return {row[columns.index(id_column)]: dict(zip(columns, row, strict=True)) for row in rows}


def normalized_kpi(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def monthly_kpis(result: DbtResult) -> list[dict[str, Any]]:
    rows = result.query(
        f"select {', '.join(KPI_COLUMNS)} from marts.streaming_monthly_kpis order by stream_month"
    )
    return [{c: normalized_kpi(v) for c, v in zip(KPI_COLUMNS, row, strict=True)} for row in rows]


def differences(result: DbtResult, expected: StreamingReference) -> list[str]:
    """What differs between the warehouse's current state and KPIs and the reference's."""
    problems = []
    for entity in entity_names():
        want = expected.current[entity]
        columns = list(next(iter(want.values()))) if want else [ID_COLUMNS[entity]]
        if current_state(result, entity, columns) != want:
            problems.append(f"current {entity}")
    if monthly_kpis(result) != expected.monthly_kpis():
        problems.append("monthly kpis")
    return problems


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def streaming_sample(
    sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DbtResult, StreamingReference, dict[str, Any]]:
    """The session's build of the committed sample, and the generator's manifest of it."""
    work = tmp_path_factory.mktemp("streaming_e2e")
    manifest = generate_sample(work / "raw")
    # the generator writes exactly the committed batches, so the manifest describes the build
    assert file_bytes(work / "raw" / "streaming") == file_bytes(SAMPLE_RAW_DIR / "streaming")
    return sample_build.result(), load(SAMPLE_RAW_DIR, SEED_CSV), manifest


def test_every_record_is_classified_as_the_reference_does(streaming_sample) -> None:
    built, expected, _ = streaming_sample
    for entity in entity_names():
        got = {
            (r[0], r[1]): (r[2], r[3])
            for r in built.query(
                "select source_file, record_number, row_status, rejection_reason"
                f" from staging.base_streaming__{entity}"
            )
        }
        want = {
            (r.source_file, r.record_number): (r.status, r.reason)
            for r in expected.records
            if r.entity == entity
        }
        assert got == want, entity


def test_accounting_and_quarantine_reasons_equal_the_reference(streaming_sample) -> None:
    built, expected, _ = streaming_sample
    accounting = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in built.query(
            "select source_file, rows_read, rows_accepted, rows_duplicate, rows_quarantined"
            " from audit.row_accounting where source_name like 'streaming%'"
        )
    }
    assert accounting == expected.accounting
    for read, accepted, duplicate, quarantined in accounting.values():
        assert read == accepted + duplicate + quarantined
    reasons: dict[tuple[str, str], int] = {}
    for entity in entity_names():
        for source_file, reason, count in built.query(
            "select source_file, rejection_reason, count(*)"
            f" from quarantine.quarantine_streaming__{entity} group by all"
        ):
            reasons[(source_file, reason)] = count
    assert reasons == expected.reasons


def test_manifest_defects_all_land_where_the_generator_says(streaming_sample) -> None:
    _, expected, manifest = streaming_sample
    files = {f["path"]: f for f in manifest["files"]}
    assert set(files) == set(expected.files)
    for path, info in files.items():
        assert expected.files[path].records_read == info["records"], path
        assert expected.files[path].file_format == info["format"], path
    reasons_in_sample = {reason for _, reason in expected.reasons}
    # every quarantine rule of the spec is exercised by the sample
    assert {
        "malformed_record",
        "missing_id",
        "invalid_id",
        "invalid_updated_at",
        "end_before_start",
        "negative_size",
        "unknown_movie",
        "rating_out_of_range",
        "conflicting_versions",
    } <= reasons_in_sample


def test_current_state_equals_the_reference(streaming_sample) -> None:
    built, expected, _ = streaming_sample
    assert differences(built, expected) == []
    for entity in entity_names():
        want = expected.current[entity]
        assert want, f"the sample has no current {entity}"
        columns = list(next(iter(want.values())))
        assert current_state(built, entity, columns) == want, entity
        provenance = {
            r[0]: (r[1], r[2], r[3])
            for r in built.query(
                f"select {ID_COLUMNS[entity]}, batch_date, source_file, record_number"
                f" from staging.stg_streaming__{entity}"
            )
        }
        assert provenance == {
            key: (record.batch_date, record.source_file, record.record_number)
            for key, record in expected.current_records[entity].items()
        }, entity


def test_book_genres_are_the_flattened_arrays(streaming_sample) -> None:
    built, expected, _ = streaming_sample
    got = built.query(
        "select book_id, genre_position, genre from staging.stg_streaming__book_genres order by all"
    )
    assert got == sorted(expected.book_genres())


def test_monthly_kpis_equal_an_independent_computation(streaming_sample) -> None:
    built, expected, _ = streaming_sample
    got = monthly_kpis(built)
    want = expected.monthly_kpis()
    assert len(got) == len(want) >= 5
    assert got == want
    # the sample is built so that every KPI says something in some month
    for column in KPI_COLUMNS[1:]:
        assert any(row[column] for row in want), column


def test_outage_analysis_equals_the_reference(streaming_sample, tmp_path: Path) -> None:
    built, expected, _ = streaming_sample
    first, last = built.query(
        "select min(start_at), max(end_at) from staging.stg_streaming__streams"
    )[0]
    work = tmp_path
    database = shutil.copyfile(built.database, work / "warehouse.duckdb")  # dbt's own copy
    answers = []
    # three windows spread over the streams (each new --vars value costs dbt a full parse)
    for part in range(1, 4):
        start = (first + (last - first) * part / 4).replace(microsecond=0)
        end = start + timedelta(hours=6)
        want = expected.users_affected_by_outage(start, end)
        compiled = run_dbt(
            SAMPLE_RAW_DIR,
            database,
            "compile",
            "--select",
            "users_affected_by_outage",
            "--vars",
            json.dumps({"outage_start": str(start), "outage_end": str(end)}),
            work_dir=work,
        )
        assert compiled.returncode == 0, compiled.output[-3000:]
        sql = (work / "target" / OUTAGE_ANALYSIS).read_text()
        assert built.query(sql) == [(want,)], (start, end)
        answers.append(want)
    assert any(answers), "no outage window placed on the sample's streams"
