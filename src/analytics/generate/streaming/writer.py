"""Writing a batch file: JSON arrays (pretty or one element a line), NDJSON and CSV."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from analytics.generate.streaming.layout import (
    ASCII_FILES,
    BATCHES,
    BLANK_LINE_FILES,
    BOM_FILES,
    CRLF_FILES,
    REASONS,
    File,
    NonObject,
    Raw,
    csv_line,
)
from analytics.generate.streaming.manifest import StreamingFileManifest


def _has_blank_line(f: File) -> bool:
    return f.format != "json_array" and f.key in BLANK_LINE_FILES and len(f.records) > 1


def _lines(f: File) -> Iterator[str]:
    """The file's lines, without line ends."""
    ascii_only = f.key in ASCII_FILES
    if f.format == "json_array":
        values = [r.body.value if isinstance(r.body, NonObject) else r.body for r in f.records]
        assert not any(isinstance(v, Raw) for v in values)
        if f.index % 2 == 0:
            yield from json.dumps(values, indent=2, ensure_ascii=ascii_only).split("\n")
        else:  # one element a line
            yield "["
            yield from (json.dumps(v, ensure_ascii=ascii_only) + "," for v in values[:-1])
            yield json.dumps(values[-1], ensure_ascii=ascii_only)
            yield "]"
        return
    blank_at = 1 if _has_blank_line(f) else None  # after the first record
    if f.format == "csv":
        columns = f.columns
        yield ",".join(columns)
    for number, rec in enumerate(f.records):
        if number == blank_at:
            yield ""
        if isinstance(rec.body, Raw):
            yield str(rec.body)
        elif f.format == "csv":
            yield csv_line(rec.body, columns)
        else:
            yield json.dumps(rec.body, ensure_ascii=ascii_only)


def write_file(path: Path, f: File) -> StreamingFileManifest:
    """Write ``f`` to ``path`` (``DIR/streaming/<date>/<name>``); return its manifest."""
    key = f.key
    crlf, bom = key in CRLF_FILES, key in BOM_FILES
    blank_lines = int(_has_blank_line(f))
    eol = "\r\n" if crlf else "\n"
    with path.open("wb") as out:
        if bom:
            out.write(b"\xef\xbb\xbf")
        chunk: list[str] = []
        for line in _lines(f):
            chunk.append(line)
            if len(chunk) == 10_000:
                out.write((eol.join(chunk) + eol).encode("utf-8"))
                chunk = []
        if chunk:
            out.write((eol.join(chunk) + eol).encode("utf-8"))
    reasons = Counter(r.reason for r in f.records if r.reason)
    return StreamingFileManifest(
        path=path.relative_to(path.parents[2]).as_posix(),
        batch_date=BATCHES[f.index].isoformat(),
        entity=f.entity,
        format=f.format,
        records=len(f.records),
        accepted=sum(r.accepted for r in f.records),
        duplicate=sum(r.duplicate for r in f.records),
        quarantined=sum(r.reason is not None for r in f.records),
        tombstones=sum(r.accepted and r.deleted for r in f.records),
        reasons={reason: reasons[reason] for reason in REASONS if reasons[reason]},
        bom=bom,
        crlf=crlf,
        blank_lines=blank_lines,
        has_deleted_column=f.has_deleted_column,
    )
