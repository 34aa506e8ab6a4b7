"""Synthetic streaming vendor feed (seed 003): batches ``streaming/<YYYY-MM-DD>/`` of six files.

Layout. Six batches, the folder name being the batch date: the initial load ``2024-01-31``
(all six files) and the change batches ``2024-02-29``, ``2024-03-31``, ``2024-04-15`` (the
*late* batch: no ``reviews.json``), ``2024-04-30`` and ``2024-05-31``. Each batch also holds
an empty ``_SUCCESS`` marker, which the build must ignore (not one of the six names). The
delivery order (:data:`DELIVERY_ORDER`) is the order in which a replay test copies the
batches into the raw folder: ``2024-02-29`` is delivered twice (after ``2024-03-31`` again)
and the late ``2024-04-15`` arrives after ``2024-04-30``.

Content. Authors, books, movies and users: about 70 % in the initial load, the rest spread
over the change batches (the late batch inserts no movies, so no stream ever depends on it),
plus updates (a new version with a later ``updated_at``) and deletions (JSON
``"_deleted": true``; a CSV ``_deleted`` column equal to ``true`` in any case and padding;
the column is present in some CSV files only). Reviews and streams belong to the batch of
their time (``created_at``/``start_at`` in ``[previous batch date, batch date)``), so streams
span January to May 2024. Every value comes from one ``random.Random`` seeded with the seed,
so the same arguments give the same bytes.

On top of the bulk, a fixed scenario (ids 1-10 of authors, books, movies, users; reviews and
streams 1-99; the bulk starts at 101) pins every edge case of the spec down once: nested and
missing JSON objects, arrays pretty-printed and NDJSON (one with CRLF and a blank line, one
array with a byte-order mark, one written ASCII-escaped), accents, emoji, tabs and newlines,
HTML entities (``&amp;lt;`` too), the nationality spellings of Singapore (authors 1-4, whose
books 1-4 are the books of movies 1, 2, 3 and 9, streamed every month), an unmapped
nationality, two versions of a movie in one batch (the later ``updated_at`` written first), a
conflicting pair, identical copies of ``2024-02-29`` records re-sent in ``2024-04-30``, a late
batch whose older versions must lose against ``2024-04-30`` (and one that wins, as nothing
newer changes it), a movie deleted after it was streamed, streams crossing midnight and a month
boundary (one only in UTC: ``2024-03-01T07:30:00+08:00`` is February), streams from the 22nd
00:00 on watching exactly half of a movie, more and less, of a movie without a duration, a
zero-length stream, ratings 1 and 5 and outside, and every quarantine reason of the spec.
A share ``defect_rate`` of the bulk records adds random defects, each with exactly one
defect: a rule reason, an orphan stream (``unknown_movie``) or an exact copy (``duplicate``).

The manifest records every file's records read and their exact outcome under the spec's
rules for a full build over all batches. Rule order decides a few cases on purpose:

* an exact copy of a *quarantined* record is quarantined again with the same reason
  (duplicates are looked for only among records that pass the rule checks);
* an exact copy of an orphan stream is a ``duplicate`` (rule 2 comes before rule 4), and the
  original is ``unknown_movie``;
* a copy that differs only in formatting (email case, padding, another ISO form of the same
  instant) is a ``duplicate``: the hash is of the typed, cleaned values;
* a tombstone is not validated beyond id and ``updated_at``: a movie tombstone with the
  duration ``n/a`` is accepted, a stream tombstone with ``updated_at`` 2024-13-01 is
  quarantined ``invalid_updated_at``;
* a stream of a movie that arrives in a later batch (stream in ``2024-02-29``, movie in
  ``2024-03-31``) is *accepted* in a full build: orphans are re-evaluated on every build. The
  manifest's ``scenarios.late_arriving_movie`` names it, so a replay test can expect
  ``unknown_movie`` for it until the movie's batch is delivered.

A replay in :data:`DELIVERY_ORDER` ends in the full build's state by construction. Along the
way, no record depends on a batch delivered after it, except that one stream: every stream
refers to a movie of its own batch or an earlier one, the late batch inserts no movies, and
no copy in ``2024-04-30`` is of a record of the late batch.

Modules: :mod:`.layout` (batches, files, formats, records), :mod:`.feed` (the bulk and the
random defects), :mod:`.scenario` (the hand-written records), :mod:`.writer`,
:mod:`.manifest`.
"""

from __future__ import annotations

from pathlib import Path

from analytics.generate.streaming.feed import Feed
from analytics.generate.streaming.layout import (
    BATCHES,
    DELIVERY_ORDER,
    ENTITIES,
    LATE_AFTER,
    LATE_BATCH,
    REASONS,
    REDELIVERED_BATCH,
    RULE_REASONS,
    parse_timestamp,
)
from analytics.generate.streaming.manifest import StreamingFileManifest, StreamingManifest
from analytics.generate.streaming.scenario import scenarios

__all__ = [
    "BATCHES",
    "DELIVERY_ORDER",
    "ENTITIES",
    "LATE_AFTER",
    "LATE_BATCH",
    "MIN_SIZES",
    "REASONS",
    "REDELIVERED_BATCH",
    "RULE_REASONS",
    "SAMPLE_SIZES",
    "SCALE_UNIT",
    "StreamingFileManifest",
    "StreamingManifest",
    "generate_streaming",
    "generate_streaming_sample",
    "parse_timestamp",
    "scaled_sizes",
]


#: Bulk records per entity for ``--scale 1`` (``--scale 10``: a million streams).
SCALE_UNIT: dict[str, int] = {
    "authors": 200,
    "books": 500,
    "movies": 1_000,
    "users": 10_000,
    "reviews": 20_000,
    "streams": 100_000,
}
#: The least bulk the scenario needs (ids it refers to, inserts in every change batch).
MIN_SIZES: dict[str, int] = {
    "authors": 10,
    "books": 10,
    "movies": 16,
    "users": 16,
    "reviews": 20,
    "streams": 100,
}
SAMPLE_SIZES: dict[str, int] = {
    "authors": 12,
    "books": 18,
    "movies": 24,
    "users": 30,
    "reviews": 40,
    "streams": 150,
}
SAMPLE_SEED = 20240131
SAMPLE_DEFECT_RATE = 0.03


def scaled_sizes(scale: float) -> dict[str, int]:
    """Bulk sizes for ``--scale``: :data:`SCALE_UNIT` times ``scale``, at least the minimum."""
    return {
        entity: max(MIN_SIZES[entity], round(unit * scale)) for entity, unit in SCALE_UNIT.items()
    }


def generate_streaming(
    out_dir: Path,
    seed: int,
    sizes: dict[str, int] | None = None,
    defect_rate: float = 0.02,
    progress: bool = False,
) -> StreamingManifest:
    """Write the six batches into ``out_dir/streaming/`` and return what they hold."""
    sizes = {**scaled_sizes(1.0), **(sizes or {})}
    for entity, minimum in MIN_SIZES.items():
        if sizes[entity] < minimum:
            raise ValueError(f"--{entity} must be at least {minimum}, got {sizes[entity]}")
    feed = Feed(sizes, seed, defect_rate)
    files = feed.run(Path(out_dir), progress)
    return StreamingManifest(
        seed=seed,
        sizes=dict(sizes),
        defect_rate=defect_rate,
        files=files,
        current=feed.current(),
        scenarios=scenarios(feed),
    )


def generate_streaming_sample(out_dir: Path, progress: bool = False) -> StreamingManifest:
    """Write the committed sample: six small batches with every edge case of the spec."""
    return generate_streaming(
        out_dir,
        seed=SAMPLE_SEED,
        sizes=SAMPLE_SIZES,
        defect_rate=SAMPLE_DEFECT_RATE,
        progress=progress,
    )
