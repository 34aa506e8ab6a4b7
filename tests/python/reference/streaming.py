"""Reference implementation of the streaming rules (issue 5): what the warehouse must hold for
raw_dir/streaming, written from the shared spec with the standard library only, for clarity
rather than speed. It is a function of the files present (no state), so a full build and a
replay one batch at a time must both equal it.

1. Batches: every folder ``raw_dir/streaming/<YYYY-MM-DD>/`` holding at least one of the six
   entity files; a folder holding one whose name is not a real date is an error naming it.
   Other file names and deeper folders are not read.
2. JSON files (authors, books, reviews): UTF-8 with an optional byte-order mark. A file whose
   first non-blank character is ``[`` is one JSON array (invalid JSON: the file is unusable, an
   error naming it); record number = position in the array. Otherwise NDJSON: one object per
   physical line (LF or CRLF), blank lines skipped and not counted, record number = line number.
   An element or line that is not a JSON object is ``malformed_record``.
3. CSV files (users, movies, streams): the project's CSV rules (``reference.bank``): the first
   non-blank line is the header, columns by trimmed name, record number = physical line number;
   a line with broken quoting or the wrong field count is ``malformed_record``. An empty or
   header-only file has no records; a file missing a required column is an error naming it.
4. Rule checks (first failing reason, :data:`RULE_REASONS` order per entity); a tombstone
   (``_deleted`` true) is checked only for its id and updated_at.
5. Exact duplicates: among records passing 4, in version order (batch_date, versioning
   updated_at nulls first, record_number), the first with a given (id, typed content) is the
   original; later copies are ``duplicate``. Content = staged columns + is_deleted + updated_at.
6. Originals sharing (id, batch_date, versioning updated_at) are all ``conflicting_versions``.
7. Stream originals (not tombstones) whose movie_id is the id of no accepted movie record of any
   batch (tombstones included) are ``unknown_movie``. Everything else is accepted.
8. Current state: per id, the latest accepted record in version order, unless a tombstone.

"Trimmed" means leading and trailing spaces (U+0020) removed, as SQL's ``trim()`` does.

Where the spec is silent, this reference decides (the SQL must agree):
- integers (ids, foreign keys, rating, years, likes): a JSON integer number, or trimmed text of
  ASCII digits with an optional sign, within bigint (ids, foreign keys) or integer range; a
  JSON float (``5.0``) or boolean is not one. A stream's user_id/movie_id or a review's
  movie_id that is not one counts as missing. duration_mins: digits only, 1 to 2^31 - 1.
- size_mb: plain decimal text, at most 12 integer digits, any decimals rounded half up to 6.
- ``_deleted`` in JSON: ``true`` or the text ``"true"`` (trimmed, any case), like CSV.
- a JSON value that is not a string is read as its JSON text (``123`` -> ``"123"``).
- genres that is not an array -> null; isbn and email blank -> null.
- a review's staged updated_at is the delivered one; only versioning uses
  coalesce(updated_at, created_at).
- stream tombstones are never ``unknown_movie`` (their movie_id is not read).
- clean_text step 4: whitespace = space separators (Zs), the only whitespace left by then.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from reference.bank import parse_record, trim
from reference.csv_file import file_records
from reference.trades import parse_timestamp as parse_trades_timestamp

STATUSES = ("accepted", "duplicate", "quarantined")
COMMON_REASONS = ("malformed_record", "missing_id", "invalid_id", "invalid_updated_at")
#: Rule reasons per entity, in precedence order (then conflicting_versions, unknown_movie).
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

KPI_COLUMNS = (
    "stream_month",
    "pct_streams_based_on_books",
    "singaporean_book_movies_streamed",
    "avg_stream_duration_minutes",
    "median_stream_size_gib",
    "users_watched_half_last_week",
)

INT32 = 2**31
INT64 = 2**63
CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
MB = Decimal("0.000001")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SIZE = re.compile(r"[+-]?([0-9]{1,12}([.][0-9]*)?|[.][0-9]+)")
#: Step 1 of clean_text, in order; &amp; last so that &amp;lt; becomes &lt;, not <.
HTML_ENTITIES = (
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#39;", "'"),
    ("&apos;", "'"),
    ("&nbsp;", " "),
    ("&amp;", "&"),
)


# --- value rules ----------------------------------------------------------------------------


def clean_text(text: str | None) -> str | None:
    """The spec's clean_text(): entities, control characters, symbols, whitespace; '' -> None.

    Whitespace in step 4 is every space separator (Zs, e.g. U+00A0, U+3000): after steps 2
    and 3 no other whitespace is left.
    """
    if text is None:
        return None
    for entity, character in HTML_ENTITIES:
        text = text.replace(entity, character)
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category == "Cc" or category == "Zs":
            kept.append(" ")
        elif category[0] in "LMNP" and not "\ufe00" <= character <= "\ufe0f":
            kept.append(character)
    cleaned = re.sub(" +", " ", "".join(kept)).strip(" ")
    return cleaned or None


def as_text(value: Any) -> str | None:
    """A raw value as text: JSON strings as they are, other JSON values as JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and trim(value) == "")


def parse_integer(value: Any, bits: int = 64) -> int | None:
    """A JSON integer number, or text of ASCII digits with an optional sign (trimmed), in range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(trim(value)):
        number = int(trim(value))
    else:
        return None
    limit = 2 ** (bits - 1)
    return number if -limit <= number < limit else None


def parse_timestamp(value: Any) -> datetime | None:
    """parse_iso_timestamp(): the project's ISO 8601 forms, as a naive UTC datetime."""
    text = as_text(value)
    if text is None or not text.isascii():
        return None
    return parse_trades_timestamp(trim(text))


def parse_date(value: Any) -> date | None:
    text = as_text(value)
    match = _DATE.fullmatch(trim(text)) if text is not None else None
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_size(value: Any) -> Decimal | None:
    """Plain decimal text, any decimals rounded half up to 6 (decimal(18,6)), or None."""
    text = as_text(value)
    if text is None or _SIZE.fullmatch(trim(text)) is None:
        return None
    return Decimal(trim(text)).quantize(MB, rounding=ROUND_HALF_UP)


def parse_positive_integer(value: Any) -> int | None:
    """ASCII digits (trimmed, no sign) naming an integer from 1 to 2^31 - 1, or None."""
    text = as_text(value)
    if text is None or not trim(text).isascii() or not trim(text).isdigit():
        return None
    number = int(trim(text))
    return number if 0 < number < INT32 else None


def parse_boolean(value: Any) -> bool | None:
    """'true'/'false' (trimmed, any case) -> bool; anything else -> None."""
    text = as_text(value)
    if text is None:
        return None
    return {"true": True, "false": False}.get(trim(text).lower())


def trimmed(value: Any) -> str | None:
    text = as_text(value)
    return None if text is None or trim(text) == "" else trim(text)


def is_true(value: Any) -> bool:
    """The tombstone flag: JSON true, or text equal to 'true' (trimmed, any case)."""
    return value is True or (isinstance(value, str) and trim(value).lower() == "true")


def half_up(value: Fraction, places: Decimal) -> Decimal:
    """An exact value rounded half away from zero to the exponent of places."""
    scale = Fraction(1) / Fraction(places)
    scaled = abs(value) * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    sign = -1 if value < 0 else 1
    return (Decimal(sign * whole) * places).quantize(places)


def median(values: list[Fraction]) -> Fraction:
    """percentile_cont(0.5): the middle value, or the mean of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# --- entities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    name: str  # "movies": the file stem, and how the reference names the entity
    file_name: str
    id_column: str
    columns: tuple[str, ...]  # the staged columns, in the spec's order
    raw_keys: tuple[str, ...]  # the raw fields (dotted JSON paths, or CSV header names)

    @property
    def is_csv(self) -> bool:
        return self.file_name.endswith(".csv")


ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        Entity(
            "authors",
            "authors.json",
            "author_id",
            (
                "author_id",
                "author_name",
                "nationality_as_written",
                "nationality",
                "birth_date",
                "birth_city",
                "birth_country",
                "updated_at",
            ),
            (
                "id",
                "name",
                "nationality",
                "birth.date",
                "birth.place.city",
                "birth.place.country",
                "updated_at",
            ),
        ),
        Entity(
            "books",
            "books.json",
            "book_id",
            (
                "book_id",
                "book_title",
                "author_id",
                "published_year",
                "publisher",
                "genres",
                "isbn",
                "updated_at",
            ),
            (
                "id",
                "title",
                "author_id",
                "published.year",
                "published.publisher",
                "genres",
                "isbn",
                "updated_at",
            ),
        ),
        Entity(
            "reviews",
            "reviews.json",
            "review_id",
            (
                "review_id",
                "user_id",
                "movie_id",
                "rating",
                "review_text",
                "device",
                "like_count",
                "created_at",
                "updated_at",
            ),
            (
                "id",
                "user_id",
                "movie_id",
                "rating",
                "text",
                "created_at",
                "meta.device",
                "meta.likes",
                "updated_at",
            ),
        ),
        Entity(
            "users",
            "users.csv",
            "user_id",
            ("user_id", "user_name", "email", "country", "signup_date", "updated_at"),
            ("id", "name", "email", "country", "signup_date", "updated_at"),
        ),
        Entity(
            "movies",
            "movies.csv",
            "movie_id",
            (
                "movie_id",
                "movie_title",
                "duration_mins",
                "is_based_on_book",
                "book_id",
                "release_year",
                "updated_at",
            ),
            (
                "id",
                "title",
                "duration_mins",
                "based_on_book",
                "book_id",
                "release_year",
                "updated_at",
            ),
        ),
        Entity(
            "streams",
            "streams.csv",
            "stream_id",
            ("stream_id", "user_id", "movie_id", "start_at", "end_at", "size_mb", "updated_at"),
            ("id", "user_id", "movie_id", "start_at", "end_at", "size_mb", "updated_at"),
        ),
    )
}
FILE_ENTITIES = {entity.file_name: entity for entity in ENTITIES.values()}

Raw = dict[str, Any]
Values = dict[str, Any]
Checked = tuple[str | None, Values]  # (first failing reason or None, typed staged values)


def _genres(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    cleaned = (clean_text(as_text(genre)) for genre in value)
    return [genre for genre in cleaned if genre is not None]


def _authors(raw: Raw, nationalities: dict[str, str]) -> Checked:
    nationality_as_written = clean_text(as_text(raw["nationality"]))
    return None, {
        "author_name": clean_text(as_text(raw["name"])),
        "nationality_as_written": nationality_as_written,
        "nationality": nationalities.get(nationality_as_written.lower())
        if nationality_as_written
        else None,
        "birth_date": parse_date(raw["birth.date"]),
        "birth_city": clean_text(as_text(raw["birth.place.city"])),
        "birth_country": clean_text(as_text(raw["birth.place.country"])),
    }


def _books(raw: Raw, nationalities: dict[str, str]) -> Checked:
    return None, {
        "book_title": clean_text(as_text(raw["title"])),
        "author_id": parse_integer(raw["author_id"]),
        "published_year": parse_integer(raw["published.year"], 32),
        "publisher": clean_text(as_text(raw["published.publisher"])),
        "genres": _genres(raw["genres"]),
        "isbn": trimmed(raw["isbn"]),
    }


def _reviews(raw: Raw, nationalities: dict[str, str]) -> Checked:
    movie_id = parse_integer(raw["movie_id"])
    rating = parse_integer(raw["rating"], 32)
    created_at = parse_timestamp(raw["created_at"])
    if movie_id is None:
        reason: str | None = "missing_movie_id"
    elif rating is None:
        reason = "invalid_rating"
    elif not 1 <= rating <= 5:
        reason = "rating_out_of_range"
    elif created_at is None and not is_blank(raw["created_at"]):
        reason = "invalid_created_at"
    else:
        reason = None
    return reason, {
        "user_id": parse_integer(raw["user_id"]),
        "movie_id": movie_id,
        "rating": rating,
        "review_text": clean_text(as_text(raw["text"])),
        "device": clean_text(as_text(raw["meta.device"])),
        "like_count": parse_integer(raw["meta.likes"], 32),
        "created_at": created_at,
    }


def _users(raw: Raw, nationalities: dict[str, str]) -> Checked:
    email = trimmed(raw["email"])
    return None, {
        "user_name": clean_text(raw["name"]),
        "email": email.lower() if email else None,
        "country": clean_text(raw["country"]),
        "signup_date": parse_date(raw["signup_date"]),
    }


def _movies(raw: Raw, nationalities: dict[str, str]) -> Checked:
    duration = parse_positive_integer(raw["duration_mins"])
    based_on_book = parse_boolean(raw["based_on_book"])
    if duration is None and not is_blank(raw["duration_mins"]):
        reason: str | None = "invalid_duration"
    elif based_on_book is None and not is_blank(raw["based_on_book"]):
        reason = "invalid_based_on_book"
    else:
        reason = None
    return reason, {
        "movie_title": clean_text(raw["title"]),
        "duration_mins": duration,
        "is_based_on_book": based_on_book,
        "book_id": parse_integer(raw["book_id"]),
        "release_year": parse_integer(raw["release_year"], 32),
    }


def _streams(raw: Raw, nationalities: dict[str, str]) -> Checked:
    values: Values = {
        "user_id": parse_integer(raw["user_id"]),
        "movie_id": parse_integer(raw["movie_id"]),
        "start_at": parse_timestamp(raw["start_at"]),
        "end_at": parse_timestamp(raw["end_at"]),
        "size_mb": parse_size(raw["size_mb"]),
    }
    if values["user_id"] is None:
        reason: str | None = "missing_user_id"
    elif values["movie_id"] is None:
        reason = "missing_movie_id"
    elif values["start_at"] is None:
        reason = "invalid_start_at"
    elif values["end_at"] is None:
        reason = "invalid_end_at"
    elif values["end_at"] < values["start_at"]:
        reason = "end_before_start"
    elif values["size_mb"] is None:
        reason = "invalid_size"
    elif values["size_mb"] < 0:
        reason = "negative_size"
    else:
        reason = None
    return reason, values


CHECKS: dict[str, Callable[[Raw, dict[str, str]], Checked]] = {
    "authors": _authors,
    "books": _books,
    "reviews": _reviews,
    "users": _users,
    "movies": _movies,
    "streams": _streams,
}


# --- records --------------------------------------------------------------------------------


@dataclass
class Record:
    """One raw record read, and what happens to it."""

    entity: str  # "movies"
    source_file: str  # "streaming/2024-01-31/movies.csv"
    batch_date: date
    record_number: int
    raw_record: str  # the NDJSON or CSV line; an array element re-serialized as compact JSON
    raw_fields: dict[str, str | None] | None  # raw key -> value as text; None when malformed
    is_deleted: bool = False
    values: Values | None = None  # staged columns, typed; None for step-1 quarantined records
    version_at: datetime | None = None  # the versioning updated_at
    status: str = ""  # accepted, duplicate or quarantined
    reason: str | None = None
    copy_number: int | None = None  # 1 for an original, 2.. for its later copies

    @property
    def id(self) -> int | None:
        return None if self.values is None else self.values[ENTITIES[self.entity].id_column]

    @property
    def version_order(self) -> tuple[date, bool, datetime, int]:
        at = self.version_at
        return (self.batch_date, at is not None, at or datetime.min, self.record_number)

    @property
    def content(self) -> tuple[Any, ...]:
        """What record_hash is computed from: staged columns, is_deleted (updated_at included)."""
        assert self.values is not None
        columns = ENTITIES[self.entity].columns
        typed = (tuple(v) if isinstance(v, list) else v for v in map(self.values.get, columns))
        return (*typed, self.is_deleted)


def _check(record: Record, raw: Raw | None, nationalities: dict[str, str]) -> None:
    """Step 1: the first failing rule reason, or the typed values of a record that passes."""
    entity = ENTITIES[record.entity]
    if raw is None:
        record.status, record.reason = "quarantined", "malformed_record"
        return
    record.is_deleted = is_true(raw.get("_deleted"))
    if is_blank(raw["id"]):
        reason: str | None = "missing_id"
    else:
        record_id = parse_integer(raw["id"])
        reason = "invalid_id" if record_id is None or record_id <= 0 else None
    updated_at = parse_timestamp(raw["updated_at"])
    if reason is None and updated_at is None and not is_blank(raw["updated_at"]):
        reason = "invalid_updated_at"
    if reason is None and record.is_deleted:
        values: Values = {column: None for column in entity.columns}
    elif reason is None:
        reason, values = CHECKS[entity.name](raw, nationalities)
    if reason is not None:
        record.status, record.reason = "quarantined", reason
        return
    values = {column: values.get(column) for column in entity.columns}
    values[entity.id_column] = parse_integer(raw["id"])
    values["updated_at"] = updated_at
    record.values = values
    record.version_at = updated_at
    if entity.name == "reviews" and updated_at is None:
        record.version_at = values["created_at"]


def _json_path(obj: dict[str, Any], path: str) -> Any:
    value: Any = obj
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_file(path: Path, source_file: str) -> tuple[str, list[tuple[int, str, Raw | None]]]:
    """(file_format, [(record_number, raw_record, raw object or None when malformed)])."""
    entity = FILE_ENTITIES[path.name]
    text = path.read_bytes().decode("utf-8-sig")
    keys = (*entity.raw_keys, "_deleted")

    def fields(obj: Any) -> Raw | None:
        return {key: _json_path(obj, key) for key in keys} if isinstance(obj, dict) else None

    if text.lstrip(" \t\r\n").startswith("["):
        try:
            elements = json.loads(text, parse_constant=_reject_constant)
        except ValueError as error:
            raise ValueError(f"{source_file} is unusable: not a valid JSON array") from error
        return "json_array", [
            (
                number,
                json.dumps(element, ensure_ascii=False, separators=(",", ":")),
                fields(element),
            )
            for number, element in enumerate(elements, start=1)
        ]
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip(" \t\r") == "":
            continue
        try:
            obj = json.loads(line, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            obj = None
        records.append((number, line, fields(obj)))
    return "ndjson", records


def read_csv_file(path: Path, source_file: str) -> list[tuple[int, str, Raw | None]]:
    """[(line_number, raw line, values by header name or None when malformed)]."""
    entity = FILE_ENTITIES[path.name]
    header: dict[str, int] | None = None
    width = 0
    records = []
    for record in file_records(path.read_bytes()):
        if record.kind != "record":
            continue
        line_number, line = record.line_number, record.text
        fields = parse_record(record.body)
        if header is None:
            names = [trim(name) for name in fields or []]
            missing = [name for name in entity.raw_keys if name not in names]
            if missing:
                raise ValueError(f"{source_file}: missing required columns {missing}")
            wanted = (*entity.raw_keys, *(["_deleted"] if "_deleted" in names else []))
            header = {name: names.index(name) for name in wanted}
            width = len(names)
            continue
        values = None
        if fields is not None and len(fields) == width:
            values = {name: fields[index] for name, index in header.items()}
            values.setdefault("_deleted", None)
        records.append((line_number, line, values))
    return records


def batch_folders(raw_dir: Path) -> list[tuple[date, Path]]:
    """The batch folders in date order; an error naming a folder whose name is not a date."""
    root = raw_dir / "streaming"
    batches = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if not folder.is_dir() or not any((folder / name).is_file() for name in FILE_ENTITIES):
            continue
        batch_date = parse_date(folder.name) if _DATE.fullmatch(folder.name) else None
        if batch_date is None:
            raise ValueError(f"streaming batch folder {folder.name!r} is not a real date")
        batches.append((batch_date, folder))
    return batches


@dataclass(frozen=True)
class FileInfo:
    source_file: str
    batch_date: date
    entity: str
    file_format: str  # json_array, ndjson or csv
    records_read: int


# --- the reference --------------------------------------------------------------------------


@dataclass
class StreamingReference:
    """What the warehouse must hold for the streaming batches of one raw folder."""

    #: every record read, in (entity, batch_date, record_number) order
    records: list[Record]
    #: source_file -> its file row
    files: dict[str, FileInfo]
    #: entity -> id -> the latest accepted record (never a tombstone)
    current_records: dict[str, dict[int, Record]] = field(default_factory=dict)

    @property
    def accounting(self) -> dict[str, tuple[int, int, int, int]]:
        """source_file -> (records read, accepted, duplicate, quarantined)."""
        result = {}
        for source_file in self.files:
            mine = Counter(r.status for r in self.records if r.source_file == source_file)
            total = sum(mine.values())
            result[source_file] = (total, *(mine[status] for status in STATUSES))
        return result

    @property
    def reasons(self) -> dict[tuple[str, str], int]:
        """(source_file, reason) -> quarantined records (only reasons that occur)."""
        counts = Counter(
            (r.source_file, r.reason) for r in self.records if r.status == "quarantined"
        )
        return {(f, reason): n for (f, reason), n in counts.items() if reason is not None}

    @property
    def current(self) -> dict[str, dict[int, Values]]:
        """entity -> id -> staged columns of the current version (genres a list)."""
        return {
            entity: {i: dict(r.values or {}) for i, r in records.items()}
            for entity, records in self.current_records.items()
        }

    def book_genres(self) -> list[tuple[int, int, str]]:
        """(book_id, genre_position 1-based, genre) of the current books, in that order."""
        return [
            (book_id, position, genre)
            for book_id, record in sorted(self.current_records["books"].items())
            for position, genre in enumerate((record.values or {})["genres"] or [], start=1)
        ]

    def unmapped_nationalities(self) -> set[str]:
        """nationality_as_written of current authors whose nationality the seed does not map."""
        return {
            v["nationality_as_written"]
            for v in self.current["authors"].values()
            if v["nationality"] is None and v["nationality_as_written"] is not None
        }

    def monthly_kpis(self) -> list[dict[str, Any]]:
        """The rows of marts.streaming_monthly_kpis, by month; columns as in KPI_COLUMNS."""
        current = self.current
        streams = list(current["streams"].values())
        if not streams:
            return []
        movies, books, authors = current["movies"], current["books"], current["authors"]
        by_month: dict[date, list[Values]] = defaultdict(list)
        for stream in streams:
            by_month[stream["start_at"].date().replace(day=1)].append(stream)
        rows = []
        month, last = min(by_month), max(by_month)
        while month <= last:
            next_month = (month + timedelta(days=32)).replace(day=1)
            mine = by_month.get(month, [])
            rows.append(
                {
                    "stream_month": month,
                    "pct_streams_based_on_books": _pct_based_on_books(mine, movies),
                    "singaporean_book_movies_streamed": len(
                        {s["movie_id"] for s in mine if _is_singaporean(s, movies, books, authors)}
                    ),
                    "avg_stream_duration_minutes": (
                        half_up(sum(map(_seconds, mine), Fraction(0)) / (60 * len(mine)), CENT)
                        if mine
                        else None
                    ),
                    "median_stream_size_gib": (
                        half_up(median([Fraction(s["size_mb"]) / 1024 for s in mine]), MICRO)
                        if mine
                        else None
                    ),
                    "users_watched_half_last_week": len(
                        {
                            s["user_id"]
                            for s in mine
                            if s["start_at"]
                            >= datetime.combine(month, datetime.min.time()) + timedelta(weeks=3)
                            and s["start_at"] < datetime.combine(next_month, datetime.min.time())
                            and _watched_half(s, movies)
                        }
                    ),
                }
            )
            month = next_month
        return rows

    def users_affected_by_outage(self, start: datetime, end: datetime) -> int:
        """Distinct users of current streams overlapping [start, end]: start_at <= end and
        end_at >= start (aware datetimes are converted to UTC)."""
        start, end = _naive_utc(start), _naive_utc(end)
        return len(
            {
                s["user_id"]
                for s in self.current["streams"].values()
                if s["start_at"] <= end and s["end_at"] >= start
            }
        )


def _naive_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _seconds(stream: Values) -> Fraction:
    delta: timedelta = stream["end_at"] - stream["start_at"]
    return Fraction(delta // timedelta(microseconds=1), 10**6)


def _pct_based_on_books(streams: list[Values], movies: dict[int, Values]) -> Decimal | None:
    flags = [
        movies[s["movie_id"]]["is_based_on_book"]
        for s in streams
        if s["movie_id"] in movies and movies[s["movie_id"]]["is_based_on_book"] is not None
    ]
    if not flags:
        return None
    return half_up(Fraction(100 * sum(flags), len(flags)), CENT)


def _is_singaporean(
    stream: Values,
    movies: dict[int, Values],
    books: dict[int, Values],
    authors: dict[int, Values],
) -> bool:
    movie = movies.get(stream["movie_id"])
    book = books.get(movie["book_id"]) if movie else None
    author = authors.get(book["author_id"]) if book else None
    return author is not None and author["nationality"] == "Singaporean"


def _watched_half(stream: Values, movies: dict[int, Values]) -> bool:
    movie = movies.get(stream["movie_id"])
    if movie is None or movie["duration_mins"] is None:
        return False
    return _seconds(stream) >= Fraction(movie["duration_mins"] * 60, 2)


def load_nationalities(seed_csv: Path) -> dict[str, str]:
    """spelling -> nationality, from the seed."""
    with Path(seed_csv).open(encoding="utf-8-sig", newline="") as handle:
        return {row["spelling"]: row["nationality"] for row in csv.DictReader(handle)}


def _classify(records: list[Record]) -> None:
    """Steps 2 and 3 for one entity's records: duplicates, then conflicts."""
    passed = sorted((r for r in records if r.values is not None), key=lambda r: r.version_order)
    copies: Counter[tuple[Any, ...]] = Counter()
    originals: dict[tuple[Any, ...], list[Record]] = defaultdict(list)
    for record in passed:
        key = (record.id, record.content)
        copies[key] += 1
        record.copy_number = copies[key]
        if record.copy_number > 1:
            record.status = "duplicate"
            continue
        originals[(record.id, record.batch_date, record.version_at)].append(record)
    for group in originals.values():
        for record in group:
            if len(group) > 1:
                record.status, record.reason = "quarantined", "conflicting_versions"
            else:
                record.status = "accepted"


def load(raw_dir: Path, nationality_seed_csv: Path) -> StreamingReference:
    """Apply the streaming rules to every batch under raw_dir/streaming."""
    raw_dir = Path(raw_dir)
    nationalities = load_nationalities(nationality_seed_csv)
    records: list[Record] = []
    files: dict[str, FileInfo] = {}
    for batch_date, folder in batch_folders(raw_dir):
        for entity in ENTITIES.values():
            path = folder / entity.file_name
            if not path.is_file():
                continue
            source_file = path.relative_to(raw_dir).as_posix()
            if entity.is_csv:
                file_format, read = "csv", read_csv_file(path, source_file)
            else:
                file_format, read = read_json_file(path, source_file)
            files[source_file] = FileInfo(
                source_file, batch_date, entity.name, file_format, len(read)
            )
            for number, raw_record, raw in read:
                raw_fields = None if raw is None else {k: as_text(v) for k, v in raw.items()}
                record = Record(
                    entity.name, source_file, batch_date, number, raw_record, raw_fields
                )
                _check(record, raw, nationalities)
                records.append(record)
    records.sort(key=lambda r: (list(ENTITIES).index(r.entity), r.batch_date, r.record_number))
    for entity in ENTITIES:
        _classify([r for r in records if r.entity == entity])
    movie_ids = {r.id for r in records if r.entity == "movies" and r.status == "accepted"}
    for record in records:
        if (
            record.entity == "streams"
            and record.status == "accepted"
            and not record.is_deleted
            and record.values is not None
            and record.values["movie_id"] not in movie_ids
        ):
            record.status, record.reason = "quarantined", "unknown_movie"
    current_records: dict[str, dict[int, Record]] = {}
    for entity in ENTITIES:
        latest: dict[int, Record] = {}
        accepted = [r for r in records if r.entity == entity and r.status == "accepted"]
        for record in sorted(accepted, key=lambda r: r.version_order):
            assert record.id is not None
            latest[record.id] = record
        current_records[entity] = {i: r for i, r in sorted(latest.items()) if not r.is_deleted}
    return StreamingReference(records=records, files=files, current_records=current_records)
