"""The streaming feed's layout (batches, files, formats, reasons), timestamps and records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, NamedTuple

ENTITIES: tuple[str, ...] = ("authors", "books", "reviews", "users", "movies", "streams")
JSON_ENTITIES: tuple[str, ...] = ("authors", "books", "reviews")
FILE_NAMES: dict[str, str] = {
    entity: f"{entity}.{'json' if entity in JSON_ENTITIES else 'csv'}" for entity in ENTITIES
}
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "name", "email", "country", "signup_date", "updated_at"),
    "movies": (
        "id",
        "title",
        "duration_mins",
        "based_on_book",
        "book_id",
        "release_year",
        "updated_at",
    ),
    "streams": ("id", "user_id", "movie_id", "start_at", "end_at", "size_mb", "updated_at"),
}

COMMON_REASONS: tuple[str, ...] = (
    "malformed_record",
    "missing_id",
    "invalid_id",
    "invalid_updated_at",
)
#: The rule reasons of each entity, in the spec's order (step 1).
RULE_REASONS: dict[str, tuple[str, ...]] = {
    "authors": COMMON_REASONS,
    "books": COMMON_REASONS,
    "reviews": (
        *COMMON_REASONS,
        "missing_movie_id",
        "invalid_rating",
        "rating_out_of_range",
        "invalid_created_at",
    ),
    "users": COMMON_REASONS,
    "movies": (*COMMON_REASONS, "invalid_duration", "invalid_based_on_book"),
    "streams": (
        *COMMON_REASONS,
        "missing_user_id",
        "missing_movie_id",
        "invalid_start_at",
        "invalid_end_at",
        "end_before_start",
        "invalid_size",
        "negative_size",
    ),
}
#: Every quarantine reason of the spec.
REASONS: tuple[str, ...] = (
    *dict.fromkeys(reason for reasons in RULE_REASONS.values() for reason in reasons),
    "conflicting_versions",
    "unknown_movie",
)

RULE_REASON_SET = frozenset(r for reasons in RULE_REASONS.values() for r in reasons)

#: Batch dates in date order; index 0 is the initial load.
BATCHES: tuple[date, ...] = (
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2024, 3, 31),
    date(2024, 4, 15),
    date(2024, 4, 30),
    date(2024, 5, 31),
)
LATE_BATCH = date(2024, 4, 15)
LATE_AFTER = date(2024, 4, 30)  # the newer batch delivered before the late one
REDELIVERED_BATCH = date(2024, 2, 29)
DELIVERY_ORDER: tuple[date, ...] = (
    BATCHES[0],
    BATCHES[1],
    BATCHES[2],
    REDELIVERED_BATCH,
    LATE_AFTER,
    LATE_BATCH,
    BATCHES[5],
)
ORPHAN_MOVIE = 900_000  # movie ids from here on never exist
FIRST_DAY = date(2024, 1, 1)  # streams and reviews of the initial load start here
LATE_INDEX = BATCHES.index(LATE_BATCH)
REDELIVERY_INDEX = BATCHES.index(LATE_AFTER)  # the batch re-sending 2024-02-29 records

#: Per (entity, batch index): the JSON file's format.
JSON_FORMATS: dict[str, tuple[str | None, ...]] = {
    "authors": ("json_array", "ndjson", "json_array", "ndjson", "ndjson", "json_array"),
    "books": ("json_array", "ndjson", "ndjson", "json_array", "ndjson", "ndjson"),
    "reviews": ("ndjson", "json_array", "ndjson", None, "json_array", "ndjson"),
}
#: Per (entity, batch index): whether the CSV file has the optional ``_deleted`` column.
DELETED_COLUMN: dict[str, tuple[bool, ...]] = {
    "users": (False, True, False, True, True, True),
    "movies": (False, False, True, False, True, False),
    "streams": (False, True, True, False, True, True),
}
BOM_FILES = frozenset({("reviews", 1), ("users", 2)})
CRLF_FILES = frozenset({("books", 1), ("users", 2)})
BLANK_LINE_FILES = frozenset({("books", 1), ("streams", 4)})  # one blank line, mid-file
ASCII_FILES = frozenset({("authors", 2)})  # JSON written with \\u escapes for non-ASCII

SIZE_FORMATS = ("{:.0f}", "{:.1f}", "{:.3f}")  # how a bulk stream's size_mb is written

# --- timestamps -------------------------------------------------------------------------------


def epoch(day: date) -> int:
    """Midnight UTC of ``day`` in epoch seconds."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


_DAYS: dict[int, str] = {}


def _day_text(days: int) -> str:
    text = _DAYS.get(days)
    if text is None:
        text = _DAYS[days] = (date(1970, 1, 1) + timedelta(days=days)).isoformat()
    return text


_HOURS_MINUTES = tuple(f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
_SECONDS = tuple(f"{second:02d}" for second in range(60))


def iso(t: int, form: int = 0, offset_minutes: int = 0, fraction: str = "") -> str:
    """Epoch seconds ``t`` as ISO 8601: form 0 ``T..Z``, 1 naive with a space, 2 naive with
    ``T``, 3 local time with an offset (``offset_minutes``); ``fraction`` like ``.250``."""
    local = t + offset_minutes * 60 if form == 3 else t
    days, seconds = divmod(local, 86400)
    text = (
        _day_text(days)
        + (" " if form == 1 else "T")
        + _HOURS_MINUTES[seconds // 60]
        + _SECONDS[seconds % 60]
        + fraction
    )
    if form == 0:
        return text + "Z"
    if form == 3:
        sign = "+" if offset_minutes >= 0 else "-"
        return text + sign + _HOURS_MINUTES[abs(offset_minutes)][:5]
    return text


_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2}:[0-9]{2})(\.[0-9]{1,9})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)


def parse_timestamp(text: object) -> float | None:
    """An accepted ISO 8601 text as epoch seconds (the forms parse_iso_timestamp accepts)."""
    if not isinstance(text, str):
        return None
    match = _TIMESTAMP.fullmatch(text.strip(" "))
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(f"{match[1]}T{match[2]}")
    except ValueError:
        return None
    zone = match[4]
    if zone in (None, "Z"):
        tz = UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    fraction = float(match[3][:7]) if match[3] else 0.0
    return moment.replace(tzinfo=tz).timestamp() + fraction


# --- records ----------------------------------------------------------------------------------


class Raw(str):
    """A raw NDJSON or CSV line, written as is (a malformed record)."""


@dataclass(frozen=True)
class NonObject:
    """An element of a JSON array that is not an object (a malformed record)."""

    value: Any


@dataclass(slots=True)
class Rec:
    """One record to write, and what the spec's rules make of it in a full build."""

    body: Any  # dict (JSON object, or CSV column -> text), Raw, or NonObject
    id: int | None = None
    version_at: float | None = None  # versioning updated_at (reviews: or created_at)
    deleted: bool = False
    reason: str | None = None  # quarantine reason
    duplicate: bool = False

    @property
    def accepted(self) -> bool:
        return self.reason is None and not self.duplicate

    def copy(self) -> Rec:
        """An identical copy delivered again: quarantined again when the record breaks a rule
        (step 1), else a duplicate (also of an orphan or a conflicting version: step 2 comes
        before steps 3 and 4)."""
        again = self.reason in RULE_REASON_SET
        return Rec(
            self.body,
            self.id,
            self.version_at,
            self.deleted,
            self.reason if again else None,
            duplicate=not again,
        )


class StreamRow(NamedTuple):
    """A bulk stream, kept compact (a million of them at scale) and rendered when written."""

    id: int
    user_id: int
    movie_id: int
    start: int  # epoch seconds
    seconds: int
    form: int  # iso form of the three timestamps
    offset: int
    updated: int | None
    size: float
    size_format: int
    flag: str | None  # the _deleted value, None when the file has no such column

    def fields(self) -> dict[str, str]:
        form, offset = self.form, self.offset
        out = {
            "id": str(self.id),
            "user_id": str(self.user_id),
            "movie_id": str(self.movie_id),
            "start_at": iso(self.start, form, offset),
            "end_at": iso(self.start + self.seconds, form, offset),
            "size_mb": SIZE_FORMATS[self.size_format].format(self.size),
            "updated_at": "" if self.updated is None else iso(self.updated, form, offset),
        }
        if self.flag is not None:
            out["_deleted"] = self.flag
        return out


def fields_of(body: Any) -> dict[str, Any]:
    """A new dict of a record's fields (a JSON object, CSV values, or a compact stream)."""
    return body.fields() if isinstance(body, StreamRow) else dict(body)


def csv_field(value: str) -> str:
    if "," in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(body: dict[str, str] | StreamRow, columns: tuple[str, ...]) -> str:
    if isinstance(body, StreamRow):
        body = body.fields()
    values = [body.get(column, "") for column in columns]
    line = ",".join(values)
    if '"' in line or line.count(",") >= len(values):  # a value needs quotes
        return ",".join(map(csv_field, values))
    return line


@dataclass
class File:
    """One file of a batch: its records, in the order written."""

    entity: str
    index: int  # batch index
    format: str
    records: list[Rec]
    has_deleted_column: bool | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.entity, self.index)

    @property
    def columns(self) -> tuple[str, ...]:
        """The header of a CSV file."""
        columns = CSV_COLUMNS[self.entity]
        return (*columns, "_deleted") if self.has_deleted_column else columns
