"""The bulk of the streaming feed: inserts, updates, deletions and random defects, written
batch by batch in date order (the scenario adds its hand-written records to each batch)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from analytics.generate.streaming.layout import (
    BATCHES,
    DELETED_COLUMN,
    ENTITIES,
    FILE_NAMES,
    FIRST_DAY,
    JSON_ENTITIES,
    JSON_FORMATS,
    LATE_INDEX,
    ORPHAN_MOVIE,
    REDELIVERED_BATCH,
    REDELIVERY_INDEX,
    RULE_REASONS,
    File,
    NonObject,
    Raw,
    Rec,
    StreamRow,
    csv_line,
    epoch,
    fields_of,
    iso,
    parse_timestamp,
)
from analytics.generate.streaming.manifest import StreamingFileManifest
from analytics.generate.streaming.scenario import DROP, OVERRIDES, SCENARIO
from analytics.generate.streaming.writer import write_file

_RESERVED = {"authors": 6, "books": 6, "movies": 10, "users": 8}  # scenario ids, never random
BULK_START = 101  # first bulk id of reviews and streams (1-99: the scenario's)
_UPDATE_RATE = {"authors": 0.05, "books": 0.05, "movies": 0.05, "users": 0.05}
_DELETE_RATE = {
    "authors": 0.01,
    "books": 0.01,
    "movies": 0.005,
    "users": 0.01,
    "reviews": 0.01,
    "streams": 0.002,
}
_REVIEW_UPDATE_RATE = 0.02
_STREAM_UPDATE_RATE = 0.005
_REDELIVERY_RATE = 0.02

_SINGAPORE = ("Singaporean", "Singapore", "SG", "sg", "singaporian", "Republic of Singapore")
_NATIONALITIES: tuple[tuple[str, ...], ...] = (
    ("Malaysian", "Malaysia"),
    ("Indonesian", "Indonesia"),
    ("Thai", "Thailand"),
    ("Filipino", "Philippines"),
    ("Vietnamese", "Viet Nam"),
    ("Indian", "India"),
    ("Chinese", "China"),
    ("Japanese", "Japan"),
    ("Korean", "South Korea"),
    ("Australian", "Australia"),
    ("British", "UK", "United Kingdom"),
    ("American", "USA", "United States"),
    ("French", "France"),
    ("German", "Germany"),
)


def _names(text: str) -> tuple[str, ...]:
    """A list of names written as one |-separated text."""
    return tuple(text.split("|"))


_UNMAPPED = ("Atlantean", "Brazilian", "N/A")
_FIRST = _names(
    "Wei Ling|Arjun|Siti|Hiroshi|Min-jun|Olivia|Liam|Zoë|José|Ngọc Anh|Søren|Chloé|"
    "Mateus|Aarav|Nur Aisyah|Kai|Amélie|Björn|Priya|Thanh"
)
_LAST = _names(
    "Tan|Lim|Ng|Kumar|Rahman|Sato|Kim|Smith|Müller|García|Nguyễn|Dubois|Ålund|Pillai|"
    "Wong|Santos|O'Brien|Kowalski|Fernández|Lê"
)
_PLACES = (
    ("Singapore", "Singapore"),
    ("Kuala Lumpur", "Malaysia"),
    ("Jakarta", "Indonesia"),
    ("Bangkok", "Thailand"),
    ("Manila", "Philippines"),
    ("Hà Nội", "Vietnam"),
    ("Mumbai", "India"),
    ("Shanghai", "China"),
    ("Kyōto", "Japan"),
    ("Seoul", "South Korea"),
    ("Sydney", "Australia"),
    ("London", "United Kingdom"),
    ("New York", "United States"),
    ("Paris", "France"),
    ("München", "Germany"),
    ("São Paulo", "Brazil"),
)
_WORDS = _names(
    "Midnight|Garden|River|Lion|City|Monsoon|Silent|Harbour|Jade|Crane|Orchid|Letter|"
    "Tiger|Shadow|Island|Festival|Lantern|Rain|Empire|Café"
)
_GENRES = _names(
    "Drama|Mystery|Romance|Thriller|Comedy|Sci-Fi &amp; Fantasy|Historical|Crime|Family|Horror"
)
_PUBLISHERS = _names(
    "Marshall Cavendish|Epigram Books|Penguin Random House|HarperCollins|"
    "Éditions Gallimard|Kōdansha|Ethos Books"
)
_DEVICES = ("iPhone", "Android", "Smart TV", "Web", "iPad", "Roku", "PlayStation 5")
_PHRASES = _names(
    "Loved it|Too long|A masterpiece|Not as good as the book|Great cast|Meh|"
    "Would watch again|Beautiful cinematography|The ending was rushed|"
    "Fun for the whole family"
)
# decorations of free text: JSON may hold any of them, CSV no line break
_JSON_EXTRAS = (
    " 👍",
    " ❤️",
    " &amp; more",
    "\tindeed",
    "\n(spoilers)",
    " — très bien",
    " 🎬🍿",
    " &lt;3",
    " &#39;wow&#39;",
    " ✨",
    "\r\nP.S. 5/5",
    " 👨\u200d👩\u200d👧",
)
_CSV_EXTRAS = (" 👍", " &amp; Co", "\tjr", " ✨", " &#39;the 2nd&#39;", " 🎬")
_BAD_TIMESTAMPS = (
    "yesterday",
    "2024-02-30T10:00:00Z",
    "2024-13-01 00:00:00",
    "31/01/2024 10:00",
    "2024-01-05T24:10:00",
    "2024-01-05",
)
_BAD_SIZES = ("", "abc", "1,024.5", "12.5MB")
_TOMBSTONE_FLAGS = ("true", "TRUE", "True", " true ")
_STREAM_FORMS = (0, 0, 1, 1, 2, 3)  # iso forms of a stream's timestamps
_OFFSETS = (480, -300, 330)
_NOT_DELETED_FLAGS = ("", "false", "False")


def _split_ids(n: int, reserved: int, batches: tuple[int, ...]) -> dict[int, range]:
    """Ids 1..n: about 70 % in the initial load (at least the reserved), the rest spread."""
    initial = max(reserved, round(0.7 * n))
    out = {0: range(1, initial + 1)}
    rest, start = n - initial, initial + 1
    for position, index in enumerate(batches):
        count = rest // len(batches) + (position < rest % len(batches))
        out[index] = range(start, start + count)
        start += count
    return out


def _split_count(n: int, batches: tuple[int, ...], starts: tuple[int, ...]) -> dict[int, int]:
    """``n`` records over ``batches`` in proportion to the length of their periods."""
    lengths = [epoch(BATCHES[i]) - s for i, s in zip(batches, starts, strict=True)]
    total = sum(lengths)
    counts = {i: n * length // total for i, length in zip(batches, lengths, strict=True)}
    for i in batches[: n - sum(counts.values())]:
        counts[i] += 1
    return counts


class Feed:
    """Builds the batches in date order; every random draw goes through one generator."""

    def __init__(self, sizes: dict[str, int], seed: int, defect_rate: float) -> None:
        self.rng = random.Random(f"streaming-{seed}")
        self.sizes = sizes
        self.defect_rate = defect_rate
        change = tuple(range(1, len(BATCHES)))
        self.inserts = {
            "authors": _split_ids(sizes["authors"], _RESERVED["authors"], change),
            "books": _split_ids(sizes["books"], _RESERVED["books"], change),
            "movies": _split_ids(
                sizes["movies"], _RESERVED["movies"], tuple(i for i in change if i != LATE_INDEX)
            ),
            "users": _split_ids(sizes["users"], _RESERVED["users"], change),
        }
        starts = tuple(epoch(FIRST_DAY if i == 0 else BATCHES[i - 1]) for i in range(6))
        self.period = dict(enumerate(starts))  # batch index -> first second of its period
        review_batches = tuple(i for i in range(6) if i != LATE_INDEX)
        review_starts = (starts[0], starts[1], starts[2], starts[3], starts[5])
        self.review_period = dict(zip(review_batches, review_starts, strict=True))
        self.review_counts = _split_count(sizes["reviews"], review_batches, review_starts)
        self.stream_counts = _split_count(sizes["streams"], tuple(range(6)), starts)
        # state
        self.content: dict[str, dict[int, dict[str, Any]]] = {e: {} for e in _RESERVED}
        self.alive: dict[str, list[int]] = {e: [] for e in ENTITIES}
        self.deleted: dict[str, set[int]] = {e: set() for e in ENTITIES}
        self.movie_duration: dict[int, int | None] = {}
        self.next_id = {"reviews": BULK_START, "streams": BULK_START}
        self.scenario_id = {"reviews": 0, "streams": 0}
        self.pool: dict[str, list[Rec]] = {e: [] for e in ENTITIES}  # previous batch's
        self.redelivery: dict[str, list[Rec]] = {e: [] for e in ENTITIES}
        self.orphans = 0
        self.scenario_records: dict[str, Any] = {}
        self.current_ids: dict[str, set[int]] = {e: set() for e in ENTITIES}
        self.live_movies: list[int] = []
        self.live_users: list[int] = []
        self.redelivery_scenario: dict[str, list[Rec]] = {}

    # -- drawing values ------------------------------------------------------------------------

    def ts(self, t: int, fraction: bool = True) -> str:
        rng = self.rng
        draw = rng.random()
        digits = ""
        if fraction and rng.random() < 0.1:
            digits = "." + str(rng.randrange(1000, 1_000_000))[: rng.choice((3, 6))]
        if draw < 0.55:
            return iso(t, 0, fraction=digits)
        if draw < 0.8:
            return iso(t, 1, fraction=digits)
        if draw < 0.9:
            return iso(t, 2, fraction=digits)
        return iso(t, 3, rng.choice((480, -300, 330, 540, 0)), fraction=digits)

    def moment(self, index: int) -> int:
        """A second in batch ``index``'s period."""
        return self.rng.randrange(self.period[index], epoch(BATCHES[index]))

    def name(self, csv: bool) -> str:
        rng = self.rng
        text = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        draw = rng.random()
        if draw < 0.1:
            text += rng.choice(_CSV_EXTRAS if csv else _JSON_EXTRAS)
        elif draw < 0.15:
            text = f"  {text} "
        return text

    def title(self) -> str:
        rng = self.rng
        words = rng.sample(_WORDS, 2)
        text = rng.choice(("The {} {}", "{} of the {}", "{} &amp; {}", "{}, {}")).format(*words)
        if rng.random() < 0.1:
            text += rng.choice(_CSV_EXTRAS)
        return text

    def nationality(self) -> str | None:
        rng = self.rng
        draw = rng.random()
        if draw < 0.25:
            return rng.choice(_SINGAPORE)
        if draw < 0.95:
            return rng.choice(rng.choice(_NATIONALITIES))
        return rng.choice((*_UNMAPPED, None, ""))

    # -- clean records -------------------------------------------------------------------------

    def author(self, author_id: int) -> dict[str, Any]:
        rng = self.rng
        city, country = rng.choice(_PLACES)
        body: dict[str, Any] = {"id": author_id, "name": self.name(csv=False)}
        body["nationality"] = self.nationality()
        if rng.random() < 0.9:
            birth = date(1930, 1, 1) + timedelta(days=rng.randrange(25_000))
            body["birth"] = {"date": birth.isoformat(), "place": {"city": city, "country": country}}
        return body

    def book(self, book_id: int) -> dict[str, Any]:
        rng = self.rng
        genres = rng.sample(_GENRES, rng.randint(1, 3))
        if rng.random() < 0.05:
            genres.append(rng.choice(("", "  ", "🎉")))
        return {
            "id": book_id,
            "title": self.title(),
            "author_id": rng.randint(1, self.sizes["authors"]),
            "published": {"year": rng.randint(1950, 2023), "publisher": rng.choice(_PUBLISHERS)},
            "genres": genres,
            "isbn": f"978{rng.randrange(10**9, 10**10)}",
        }

    def movie(self, movie_id: int) -> dict[str, str]:
        rng = self.rng
        duration: int | None = rng.randint(80, 180) if rng.random() < 0.92 else None
        book_id = rng.randint(1, self.sizes["books"]) if rng.random() < 0.6 else None
        if book_id is not None:
            based = rng.choice(("true", "true", "TRUE", "True", "true", ""))
        else:
            based = rng.choice(("false", "false", "FALSE", "False", ""))
        return {
            "id": str(movie_id),
            "title": self.title(),
            "duration_mins": "" if duration is None else str(duration),
            "based_on_book": based,
            "book_id": "" if book_id is None else str(book_id),
            "release_year": str(rng.randint(1990, 2024)) if rng.random() < 0.95 else "",
        }

    def user(self, user_id: int) -> dict[str, str]:
        rng = self.rng
        email = f"user{user_id}@example.com"
        if rng.random() < 0.1:
            email = rng.choice((email.upper(), f" {email} ", email.capitalize()))
        signup = date(2020, 1, 1) + timedelta(days=rng.randrange(1400))
        return {
            "id": str(user_id),
            "name": self.name(csv=True),
            "email": email,
            "country": rng.choice(_PLACES)[1],
            "signup_date": signup.isoformat(),
        }

    def review_text(self) -> str:
        rng = self.rng
        text = rng.choice(_PHRASES)
        if rng.random() < 0.3:
            text += rng.choice(_JSON_EXTRAS)
        return text

    # -- the batches ---------------------------------------------------------------------------

    def run(self, out_dir: Path, progress: bool) -> list[StreamingFileManifest]:
        manifests = []
        for index, day in enumerate(BATCHES):
            files = self.batch(index)
            folder = Path(out_dir) / "streaming" / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "_SUCCESS").write_bytes(b"")
            for entity in ENTITIES:
                path = folder / FILE_NAMES[entity]
                f = files.pop(entity, None)
                if f is None or not f.records:
                    path.unlink(missing_ok=True)
                    continue
                started = time.perf_counter()
                manifest = write_file(path, f)
                self.tally_current(f)
                manifest.seconds = time.perf_counter() - started
                manifests.append(manifest)
                if progress:
                    print(
                        f"{manifest.path}: {manifest.records:,} records "
                        f"in {manifest.seconds:.1f} s",
                        flush=True,
                    )
        return manifests

    def batch(self, index: int) -> dict[str, File]:
        files: dict[str, File] = {}
        for entity in ENTITIES:
            if entity in JSON_ENTITIES:
                fmt = JSON_FORMATS[entity][index]
                if fmt is None:
                    continue
                files[entity] = File(entity, index, fmt, [])
            else:
                files[entity] = File(entity, index, "csv", [], DELETED_COLUMN[entity][index])
        self.bulk_authors(index, files["authors"])
        self.bulk_books(index, files["books"])
        self.bulk_movies(index, files["movies"])
        self.bulk_users(index, files["users"])
        if "reviews" in files:
            self.bulk_reviews(index, files["reviews"])
        self.bulk_streams(index, files["streams"])
        SCENARIO[index](self, files)
        if index == REDELIVERY_INDEX:
            for entity, f in files.items():
                f.records.extend(rec.copy() for rec in self.redelivery[entity])
        for f in files.values():
            self.add_defects(f)
        # pools for the next batches: accepted originals, not deletions
        for entity, f in files.items():
            clean = [r for r in f.records if r.accepted and not r.deleted]
            if index != LATE_INDEX:  # so that 2024-04-30 never depends on the late batch
                share = min(len(clean), max(50, len(clean) // 20))
                self.pool[entity] = self.rng.sample(clean, share)
            if index == BATCHES.index(REDELIVERED_BATCH):
                share = max(1, round(_REDELIVERY_RATE * len(clean))) if clean else 0
                self.redelivery[entity] = self.rng.sample(clean, share)
        return files

    def updatable(self, entity: str, index: int) -> list[int]:
        """Ids of ``entity`` inserted before batch ``index``, not deleted, not the scenario's."""
        reserved = _RESERVED.get(entity, 0)
        out = []
        for batch, ids in self.inserts[entity].items():
            if batch < index:
                out.extend(i for i in ids if i > reserved and i not in self.deleted[entity])
        return out

    def pick_changes(self, entity: str, index: int) -> tuple[list[int], list[int]]:
        """Ids to update and ids to delete in batch ``index`` (disjoint)."""
        if index == 0:
            return [], []
        ids = self.updatable(entity, index)
        n_update = round(_UPDATE_RATE[entity] * len(ids))
        can_delete = entity in JSON_ENTITIES or DELETED_COLUMN[entity][index]
        n_delete = round(_DELETE_RATE[entity] * len(ids)) if can_delete else 0
        chosen = self.rng.sample(ids, min(len(ids), n_update + n_delete))
        return sorted(chosen[:n_update]), sorted(chosen[n_update:])

    def json_tombstone(self, entity_id: int, t: int, content: dict[str, Any]) -> Rec:
        """A deletion: the id and updated_at, or (sometimes) the whole last record."""
        body = dict(content) if self.rng.random() < 0.3 else {"id": entity_id}
        body.update({"_deleted": True, "updated_at": self.ts(t)})
        return Rec(body, entity_id, t, deleted=True)

    def csv_tombstone(self, content: dict[str, str], entity_id: int, t: int) -> Rec:
        """A deletion: the id and updated_at, or (sometimes) the whole last record."""
        body = dict(content) if self.rng.random() < 0.5 else {"id": str(entity_id)}
        body.update({"updated_at": self.ts(t), "_deleted": self.rng.choice(_TOMBSTONE_FLAGS)})
        return Rec(body, entity_id, t, deleted=True)

    def not_deleted_flag(self, f: File, body: dict[str, Any]) -> dict[str, Any]:
        if f.has_deleted_column:
            body["_deleted"] = self.rng.choice(_NOT_DELETED_FLAGS)
        elif f.entity in JSON_ENTITIES and self.rng.random() < 0.05:
            body["_deleted"] = False
        return body

    def bulk_entity(
        self, entity: str, index: int, f: File, make: Callable[[int], dict[str, Any]]
    ) -> None:
        """Inserts, updates and deletions of authors, books, movies or users."""
        rng = self.rng
        overrides = OVERRIDES[entity]
        for entity_id in self.inserts[entity].get(index, ()):
            content = make(entity_id)
            for key, value in overrides.get(entity_id, {}).items():
                if value is DROP:
                    content.pop(key, None)
                else:
                    content[key] = value
            self.content[entity][entity_id] = content
            self.alive[entity].append(entity_id)
            t = self.moment(index)
            body = self.not_deleted_flag(f, {**content, "updated_at": self.ts(t)})
            f.records.append(Rec(body, entity_id, t))
        updates, deletes = self.pick_changes(entity, index)
        for entity_id in updates:
            content = self.changed(entity, dict(self.content[entity][entity_id]))
            self.content[entity][entity_id] = content
            t = self.moment(index)
            body = self.not_deleted_flag(f, {**content, "updated_at": self.ts(t)})
            f.records.append(Rec(body, entity_id, t))
        for entity_id in deletes:
            t = self.moment(index)
            self.deleted[entity].add(entity_id)
            content = self.content[entity][entity_id]
            if entity in JSON_ENTITIES:
                f.records.append(self.json_tombstone(entity_id, t, content))
            else:
                f.records.append(self.csv_tombstone(content, entity_id, t))
        rng.shuffle(f.records)

    def changed(self, entity: str, content: dict[str, Any]) -> dict[str, Any]:
        """A new version of a record: one attribute changes."""
        rng = self.rng
        if entity == "authors":
            if rng.random() < 0.5:
                content["nationality"] = self.nationality()
            else:
                content["name"] = self.name(csv=False)
        elif entity == "books":
            if rng.random() < 0.5:
                content["genres"] = rng.sample(_GENRES, rng.randint(1, 4))
            else:
                content["published"] = {
                    "year": rng.randint(1950, 2023),
                    "publisher": rng.choice(_PUBLISHERS),
                }
        elif entity == "movies":
            if rng.random() < 0.5 or not content["duration_mins"]:
                content["duration_mins"] = str(rng.randint(80, 180))
            else:
                content["title"] = self.title() + " (Director&#39;s Cut)"
        else:
            if rng.random() < 0.5:
                content["email"] = f"user{content['id']}.{rng.randrange(100)}@example.org"
            else:
                content["country"] = rng.choice(_PLACES)[1]
        return content

    def bulk_authors(self, index: int, f: File) -> None:
        self.bulk_entity("authors", index, f, self.author)

    def bulk_books(self, index: int, f: File) -> None:
        self.bulk_entity("books", index, f, self.book)

    def bulk_movies(self, index: int, f: File) -> None:
        self.bulk_entity("movies", index, f, self.movie)
        for movie_id in self.inserts["movies"].get(index, ()):
            duration = self.content["movies"][movie_id]["duration_mins"]
            self.movie_duration[movie_id] = int(duration) if duration else None
        self.live_movies = [m for m in self.alive["movies"] if m not in self.deleted["movies"]]

    def bulk_users(self, index: int, f: File) -> None:
        self.bulk_entity("users", index, f, self.user)
        self.live_users = [u for u in self.alive["users"] if u not in self.deleted["users"]]

    def bulk_reviews(self, index: int, f: File) -> None:
        rng = self.rng
        start, end = self.review_period[index], epoch(BATCHES[index])
        for _ in range(self.review_counts[index]):
            review_id = self.next_id["reviews"]
            self.next_id["reviews"] += 1
            created = rng.randrange(start, end)
            body: dict[str, Any] = {
                "id": review_id,
                "user_id": rng.choice(self.live_users),
                "movie_id": rng.choice(self.live_movies),
                "rating": rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5)),
                "text": self.review_text(),
                "created_at": self.ts(created),
                "meta": {"device": rng.choice(_DEVICES), "likes": rng.randrange(500)},
            }
            f.records.append(Rec(self.not_deleted_flag(f, body), review_id, created))
        if index == 0:
            return
        # edits and deletions of reviews of the previous batch with reviews
        previous = [r for r in self.pool["reviews"] if r.id and r.id >= BULK_START]
        previous = [r for r in previous if r.id not in self.deleted["reviews"]]
        count = self.review_counts[max(i for i in self.review_counts if i < index)]
        n_update = round(_REVIEW_UPDATE_RATE * count)
        n_delete = round(_DELETE_RATE["reviews"] * count)
        chosen = rng.sample(previous, min(len(previous), n_update + n_delete))
        for rec in chosen[:n_update]:
            t = rng.randrange(start, end)
            body = {k: v for k, v in rec.body.items() if k != "_deleted"}
            body["rating"] = 1 + (body["rating"] % 5)
            body["text"] = body["text"] + " (edited)"
            body["updated_at"] = self.ts(t)
            f.records.append(Rec(body, rec.id, t))
        for rec in chosen[n_update:]:
            assert rec.id is not None
            self.deleted["reviews"].add(rec.id)
            content = {k: v for k, v in rec.body.items() if k != "_deleted"}
            f.records.append(self.json_tombstone(rec.id, rng.randrange(start, end), content))

    def bulk_streams(self, index: int, f: File) -> None:
        """The streams starting in the batch's period (the hot loop at scale: plain random()),
        then corrections and deletions of streams of the previous batch."""
        rng = self.rng
        random_ = rng.random
        start, end = self.period[index], epoch(BATCHES[index])
        users, movies, durations = self.live_users, self.live_movies, self.movie_duration
        flags = _NOT_DELETED_FLAGS if f.has_deleted_column else None
        for _ in range(self.stream_counts[index]):
            stream_id = self.next_id["streams"]
            self.next_id["streams"] += 1
            movie_id = movies[int(random_() * len(movies))]
            minutes = durations[movie_id] or 100
            seconds = 60 + int(random_() * minutes * 66)  # up to 110 % of the movie
            at = start + int(random_() * (end - start))
            form = _STREAM_FORMS[int(random_() * 6)]
            offset = _OFFSETS[int(random_() * 3)] if form == 3 else 0
            updated = at + seconds + 1 + int(random_() * 600)
            row = StreamRow(
                stream_id,
                users[int(random_() * len(users))],
                movie_id,
                at,
                seconds,
                form,
                offset,
                updated if random_() < 0.97 else None,
                seconds * (0.05 + random_() * 0.35),
                int(random_() * 3),
                flags[int(random_() * 3)] if flags else None,
            )
            f.records.append(Rec(row, stream_id, row.updated))
        if index == 0:
            return
        previous = [r for r in self.pool["streams"] if r.id and r.id >= BULK_START]
        previous = [r for r in previous if r.id not in self.deleted["streams"]]
        n_update = round(_STREAM_UPDATE_RATE * self.stream_counts[index - 1])
        n_delete = round(_DELETE_RATE["streams"] * self.stream_counts[index - 1])
        if not f.has_deleted_column:
            n_delete = 0
        chosen = rng.sample(previous, min(len(previous), n_update + n_delete))
        for rec in chosen[:n_update]:
            t = rng.randrange(start, end)
            body = fields_of(rec.body)
            body.pop("_deleted", None)
            body["size_mb"] = f"{float(body['size_mb']) + rng.randint(1, 99) + 0.5:.1f}"
            body["updated_at"] = iso(t, 1)
            f.records.append(Rec(self.not_deleted_flag(f, body), rec.id, t))
        for rec in chosen[n_update:]:
            assert rec.id is not None
            t = rng.randrange(start, end)
            self.deleted["streams"].add(rec.id)
            content = fields_of(rec.body)
            content.pop("_deleted", None)
            f.records.append(self.csv_tombstone(content, rec.id, t))

    # -- random defects ------------------------------------------------------------------------

    def add_defects(self, f: File) -> None:
        rng = self.rng
        clean = [(i, r) for i, r in enumerate(f.records) if r.accepted and not r.deleted]
        n = round(self.defect_rate * len(clean))
        if not clean or not n:
            return
        kinds = [*RULE_REASONS[f.entity], "duplicate"]
        if f.entity == "streams":
            kinds.append("unknown_movie")
        inserts: list[tuple[int, int, Rec]] = []
        cycle: list[str] = []
        for number in range(n):
            if not cycle:
                cycle = list(kinds)
                rng.shuffle(cycle)
            kind = cycle.pop()
            position, base = rng.choice(clean)
            if kind == "duplicate":
                previous = self.pool[f.entity]
                if previous and rng.random() < 0.5:
                    inserts.append((rng.randint(0, len(f.records)), number, rng.choice(previous)))
                else:
                    inserts.append((rng.randint(position + 1, len(f.records)), number, base))
                inserts[-1] = (inserts[-1][0], number, inserts[-1][2].copy())
                continue
            rec = self.defective(f, kind, base)
            # an NDJSON file whose first line starts with [ would be read as one array
            first = int(isinstance(rec.body, Raw) and rec.body.startswith("["))
            inserts.append((rng.randint(first, len(f.records)), number, rec))
        inserts.sort(key=lambda item: (item[0], item[1]))
        merged: list[Rec] = []
        pending = iter(inserts)
        upcoming = next(pending, None)
        for position in range(len(f.records) + 1):
            while upcoming is not None and upcoming[0] == position:
                merged.append(upcoming[2])
                upcoming = next(pending, None)
            if position < len(f.records):
                merged.append(f.records[position])
        f.records = merged

    def defective(self, f: File, kind: str, base: Rec) -> Rec:
        """A copy of the clean record ``base`` with exactly one defect, ``kind``."""
        rng = self.rng
        body = fields_of(base.body)
        body.pop("_deleted", None)
        rec = Rec(body, base.id, base.version_at, reason=kind)
        if kind == "unknown_movie":
            rec.id = self.next_id["streams"]
            self.next_id["streams"] += 1
            self.orphans += 1
            body["id"] = str(rec.id)
            body["movie_id"] = str(ORPHAN_MOVIE + self.orphans)
        elif kind == "malformed_record":
            rec.body = self.malformed(f, body)
        elif kind == "missing_id":
            if f.format == "csv":
                body["id"] = rng.choice(("", "  "))
            else:
                choice = rng.randrange(3)
                if choice == 0:
                    del body["id"]
                else:
                    body["id"] = None if choice == 1 else ""
        elif kind == "invalid_id":
            value = rng.choice(("abc", 0, -3, 2.5, "12a"))
            body["id"] = str(value) if f.format == "csv" else value
        elif kind == "invalid_updated_at":
            body["updated_at"] = rng.choice(_BAD_TIMESTAMPS)
        elif kind == "missing_user_id":
            body["user_id"] = ""
        elif kind == "missing_movie_id":
            if f.format == "csv":
                body["movie_id"] = ""
            elif rng.random() < 0.5:
                del body["movie_id"]
            else:
                body["movie_id"] = None
        elif kind == "invalid_start_at":
            body["start_at"] = rng.choice(("", *_BAD_TIMESTAMPS))
        elif kind == "invalid_end_at":
            body["end_at"] = rng.choice(("", *_BAD_TIMESTAMPS))
        elif kind == "end_before_start":
            start = parse_timestamp(body["start_at"])
            assert start is not None
            body["end_at"] = iso(int(start) - rng.randint(1, 3600), 0)
        elif kind == "invalid_size":
            body["size_mb"] = rng.choice(_BAD_SIZES)
        elif kind == "negative_size":
            body["size_mb"] = f"-{rng.randint(1, 900)}.5"
        elif kind == "invalid_rating":
            value = rng.choice(("missing", None, "five", 4.5))
            if value == "missing":
                del body["rating"]
            else:
                body["rating"] = value
        elif kind == "rating_out_of_range":
            body["rating"] = rng.choice((0, 6, -1, 10))
        elif kind == "invalid_created_at":
            body["created_at"] = rng.choice(_BAD_TIMESTAMPS)
        elif kind == "invalid_duration":
            body["duration_mins"] = rng.choice(("abc", "0", "-90", "95.5"))
        elif kind == "invalid_based_on_book":
            body["based_on_book"] = rng.choice(("yes", "no", "1", "maybe"))
        else:  # pragma: no cover - every kind is handled above
            raise ValueError(kind)
        if f.has_deleted_column and isinstance(rec.body, dict):
            body["_deleted"] = ""
        return rec

    def malformed(self, f: File, body: dict[str, Any]) -> Raw | NonObject:
        rng = self.rng
        if f.format == "json_array":
            return NonObject(rng.choice(("oops", 42, None, [1, 2])))
        if f.format == "ndjson":
            text = json.dumps(body, ensure_ascii=False)
            return Raw(rng.choice((text[: len(text) // 2], '["not", "an", "object"]', "42")))
        line = csv_line(body, f.columns)
        if '"' not in line and rng.random() < 0.5:
            first, _, rest = line.partition(",")
            # a quoted field with text after its closing quote (an unterminated quote would
            # run the record over the following lines: tests/python/test_csv_reader.py)
            return Raw(f'{first},"{rest[:1]}"x{rest[1:]}')
        return Raw(line + ",extra")

    def tally_current(self, f: File) -> None:
        """Apply the file's accepted records to the current ids: per id, its latest accepted
        record in version order wins, unless it is a deletion. Batches come in date order, so
        only versions inside this file need comparing."""
        latest: dict[int, tuple[float, int, bool]] = {}
        for position, rec in enumerate(f.records):
            if rec.accepted:
                assert rec.id is not None
                key = (-1e18 if rec.version_at is None else rec.version_at, position, rec.deleted)
                if rec.id not in latest or key[:2] > latest[rec.id][:2]:
                    latest[rec.id] = key
        ids = self.current_ids[f.entity]
        for entity_id, (_, _, deleted) in latest.items():
            if deleted:
                ids.discard(entity_id)
            else:
                ids.add(entity_id)

    def current(self) -> dict[str, int]:
        return {entity: len(self.current_ids[entity]) for entity in ENTITIES}
