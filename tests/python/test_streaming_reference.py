"""The streaming reference (reference/streaming.py) pinned down on tiny hand-made raw folders:
every expected value below is worked out by hand from the spec, so the oracle the end-to-end
tests trust is itself checked. No dbt here: these tests run in milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import PROJECT_DIR
from reference.streaming import (
    KPI_COLUMNS,
    StreamingReference,
    clean_text,
    half_up,
    load,
    median,
)

SEED = PROJECT_DIR / "seeds" / "streaming_nationality_spellings.csv"
USERS = "id,name,email,country,signup_date,updated_at"
MOVIES = "id,title,duration_mins,based_on_book,book_id,release_year,updated_at"
STREAMS = "id,user_id,movie_id,start_at,end_at,size_mb,updated_at"


def write(raw: Path, batch: str, name: str, text: str, *, bom: bool = False, crlf: bool = False):
    path = raw / "streaming" / batch / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def outcomes(ref: StreamingReference, source_file: str) -> list[tuple[int, str, str | None]]:
    return [
        (r.record_number, r.status, r.reason) for r in ref.records if r.source_file == source_file
    ]


# --- clean_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  Caf\u00e9 &amp; Cr\u00e8me\t\U0001f389 ", "Caf\u00e9 & Cr\u00e8me"),  # the spec's
        (
            "Zo\u00eb \u00d1o\u00f1o \u00d8rsted M\u00fcller",
            "Zo\u00eb \u00d1o\u00f1o \u00d8rsted M\u00fcller",
        ),
        ("Jose\u0301", "Jose\u0301"),  # a combining accent (Mn) stays, nothing is normalized
        ("&amp;lt;b&amp;gt;", "&lt;b&gt;"),  # &amp; is decoded last, once
        ("&lt;i&gt;Hi&lt;/i&gt;", "iHi/i"),  # < and > are symbols (Sm): removed; / is Po
        ("It&#39;s &quot;ok&quot; &apos;x&apos;", "It's \"ok\" 'x'"),
        ("a&nbsp;&nbsp;b\u00a0c\u3000d", "a b c d"),  # nbsp entity, U+00A0, U+3000 (Zs)
        ("&copy; &AMP; 2024", "&copy; &AMP; 2024"),  # other entities stay as text
        ("Line1\r\nLine2\x00end\x7f", "Line1 Line2 end"),  # Cc -> space
        ("\U0001f44d\U0001f3fd great \u2764\ufe0f film", "great film"),  # So, Sk, VS16
        ("\U0001f468\u200d\U0001f469 family\u00ad", "family"),  # ZWJ, soft hyphen (Cf)
        ("$100 + 5% = ok", "100 5% ok"),  # Sc and Sm removed, runs of spaces collapsed
        (
            "\u0663\u0664 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
            "\u0663\u0664 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
        ),
        (" \t\n\U0001f389 ", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_text(raw: str | None, cleaned: str | None) -> None:
    assert clean_text(raw) == cleaned


def test_half_up_and_median_are_exact() -> None:
    assert half_up(Fraction(118765, 1000), Decimal("0.01")) == Decimal("118.77")  # not 118.76
    assert half_up(Fraction(2, 3), Decimal("0.01")) == Decimal("0.67")
    assert half_up(Fraction(5, 1), Decimal("0.000001")) == Decimal("5.000000")
    assert median([Fraction(3), Fraction(1), Fraction(2)]) == 2
    assert median([Fraction(4), Fraction(1), Fraction(3), Fraction(2)]) == Fraction(5, 2)


# --- reading --------------------------------------------------------------------------------


def test_json_array_and_ndjson_with_malformed_records(tmp_path: Path) -> None:
    write(
        tmp_path,
        "2024-01-01",
        "authors.json",
        '\n [{"id": 1, "name": "Ann", "nationality": " SG \U0001f1f8\U0001f1ec",'
        ' "birth": {"date": "1970-02-03", "place": {"city": "Singapore", "country": "SG"}}},'
        ' {"id": "2", "name": "Bo", "nationality": "Malaysia", "birth": "unknown", "x": 1},'
        " 5, null]",
        bom=True,
    )
    write(
        tmp_path,
        "2024-01-01",
        "books.json",
        lines(
            '{"id": 1, "title": "T", "author_id": 1, "genres": ["Drama", "\U0001f389", " sci-fi "],'
            ' "published": {"year": "1999", "publisher": "P&amp;Q"}, "isbn": " 978-1 "}',
            "",
            '{"id": 2, "title": "U",',
            "   ",
            "[1, 2]",
            '{"id": 3, "published": {"year": "MCMXCIX"}, "genres": "Drama"}',
        ),
        crlf=True,
    )
    ref = load(tmp_path, SEED)
    authors, books = "streaming/2024-01-01/authors.json", "streaming/2024-01-01/books.json"
    assert (ref.files[authors].file_format, ref.files[authors].records_read) == ("json_array", 4)
    assert (ref.files[books].file_format, ref.files[books].records_read) == ("ndjson", 4)
    assert outcomes(ref, authors) == [
        (1, "accepted", None),
        (2, "accepted", None),
        (3, "quarantined", "malformed_record"),
        (4, "quarantined", "malformed_record"),
    ]
    # record number = physical line (blank lines 2 and 4 not counted as records)
    assert outcomes(ref, books) == [
        (1, "accepted", None),
        (3, "quarantined", "malformed_record"),
        (5, "quarantined", "malformed_record"),
        (6, "accepted", None),
    ]
    assert ref.accounting == {authors: (4, 2, 0, 2), books: (4, 2, 0, 2)}
    assert ref.reasons == {(authors, "malformed_record"): 2, (books, "malformed_record"): 2}
    assert [r.raw_record for r in ref.records if r.source_file == authors][2:] == ["5", "null"]
    assert ref.current["authors"] == {
        1: {
            "author_id": 1,
            "author_name": "Ann",
            "nationality_as_written": "SG",
            "nationality": "Singaporean",
            "birth_date": date(1970, 2, 3),
            "birth_city": "Singapore",
            "birth_country": "SG",
            "updated_at": None,
        },
        2: {
            "author_id": 2,
            "author_name": "Bo",
            "nationality_as_written": "Malaysia",
            "nationality": "Malaysian",
            "birth_date": None,
            "birth_city": None,
            "birth_country": None,
            "updated_at": None,
        },
    }
    assert ref.current["books"][1] == {
        "book_id": 1,
        "book_title": "T",
        "author_id": 1,
        "published_year": 1999,
        "publisher": "P&Q",
        "genres": ["Drama", "sci-fi"],
        "isbn": "978-1",
        "updated_at": None,
    }
    assert ref.current["books"][3]["published_year"] is None
    assert ref.current["books"][3]["genres"] is None
    assert ref.book_genres() == [(1, 1, "Drama"), (1, 2, "sci-fi")]


def test_unusable_json_bad_folder_and_missing_column_stop_with_the_name(tmp_path: Path) -> None:
    write(tmp_path, "2024-01-01", "books.json", '[{"id": 1},')
    with pytest.raises(ValueError, match=re.escape("streaming/2024-01-01/books.json")):
        load(tmp_path, SEED)
    (tmp_path / "streaming" / "2024-01-01" / "books.json").unlink()
    write(tmp_path, "2024-01-01", "users.csv", "id,name,email,country,signup_date\n")
    with pytest.raises(ValueError, match=re.escape("streaming/2024-01-01/users.csv")):
        load(tmp_path, SEED)
    (tmp_path / "streaming" / "2024-01-01" / "users.csv").unlink()
    write(tmp_path, "2024-02-30", "users.csv", USERS + "\n")
    with pytest.raises(ValueError, match="2024-02-30"):
        load(tmp_path, SEED)


def test_other_files_are_ignored_and_empty_files_hold_no_records(tmp_path: Path) -> None:
    write(tmp_path, "2024-01-01", "users.csv", "")
    write(tmp_path, "2024-01-01", "movies.csv", MOVIES + "\n\n")
    write(tmp_path, "2024-01-01", "reviews.json", "")
    write(tmp_path, "2024-01-01", "notes.csv", "whatever\n")
    write(tmp_path, "not-a-batch", "readme.txt", "ignored: holds no entity file\n")
    ref = load(tmp_path, SEED)
    assert ref.accounting == {
        "streaming/2024-01-01/reviews.json": (0, 0, 0, 0),
        "streaming/2024-01-01/users.csv": (0, 0, 0, 0),
        "streaming/2024-01-01/movies.csv": (0, 0, 0, 0),
    }
    assert ref.monthly_kpis() == []


# --- rules ----------------------------------------------------------------------------------


def test_rule_reasons_in_order(tmp_path: Path) -> None:
    write(tmp_path, "2024-01-01", "movies.csv", lines(MOVIES, "1,M,,,,,", "2,N,abc,maybe,,,"))
    write(
        tmp_path,
        "2024-01-01",
        "streams.csv",
        lines(
            STREAMS,
            '"1"x,2,1,2024-01-01 10:00:00,2024-01-01 11:00:00,1,',  # 2: broken quoting
            "1,2,1,2024-01-01 10:00:00,2024-01-01 11:00:00,1",  # 3: one field short
            " ,2,1,2024-01-01 10:00:00,2024-01-01 11:00:00,1,",  # 4
            "0,2,1,2024-01-01 10:00:00,2024-01-01 11:00:00,1,",  # 5
            "6,,1,x,x,x,2024-13-01",  # 6
            "7,,1,x,x,x,",  # 7
            "8,2,,x,x,x,",  # 8
            "9,2,1,2024-01-01 24:00:00,x,x,",  # 9
            "10,2,1,2024-01-01 10:00:00,2024-01-01,x,",  # 10
            "11,2,1,2024-01-01 10:00:00,2024-01-01 09:59:59,x,",  # 11
            "12,2,1,2024-01-01 10:00:00,2024-01-01 10:00:00,1e3,",  # 12
            "13,2,1,2024-01-01 10:00:00,2024-01-01 10:00:00,-0.001,",  # 13
            "14,2,7,2024-01-01 10:00:00,2024-01-01 10:00:00,-0,",  # 14
            "15,2,1,2024-01-01T10:00:00+08:00,2024-01-01 02:00:00Z,0,",  # 15
            "16,2,1,2024-01-01 10:00:00,2024-01-01 10:00:00,1.2345675,",  # 16
        ),
    )
    ref = load(tmp_path, SEED)
    assert outcomes(ref, "streaming/2024-01-01/movies.csv") == [
        (2, "accepted", None),
        (3, "quarantined", "invalid_duration"),
    ]
    streams = outcomes(ref, "streaming/2024-01-01/streams.csv")
    assert streams == [
        (2, "quarantined", "malformed_record"),
        (3, "quarantined", "malformed_record"),
        (4, "quarantined", "missing_id"),
        (5, "quarantined", "invalid_id"),
        (6, "quarantined", "invalid_updated_at"),
        (7, "quarantined", "missing_user_id"),
        (8, "quarantined", "missing_movie_id"),
        (9, "quarantined", "invalid_start_at"),
        (10, "quarantined", "invalid_end_at"),
        (11, "quarantined", "end_before_start"),
        (12, "quarantined", "invalid_size"),
        (13, "quarantined", "negative_size"),
        (14, "quarantined", "unknown_movie"),  # size -0 is fine, movie 7 is unknown
        (15, "accepted", None),  # 02:00 UTC both: equal is fine
        (16, "accepted", None),  # any decimals, rounded half up to 6
    ]
    assert ref.current["streams"][15]["size_mb"] == Decimal("0.000")
    assert ref.current["streams"][16]["size_mb"] == Decimal("1.234568")


def test_review_rules(tmp_path: Path) -> None:
    write(
        tmp_path,
        "2024-01-01",
        "reviews.json",
        lines(
            '{"id": 1, "movie_id": 5, "rating": "5", "meta": {"likes": "x", "device": "tv"}}',
            '{"id": 2, "rating": 3}',
            '{"id": 3, "movie_id": 5, "rating": 4.5}',
            '{"id": 4, "movie_id": 5}',
            '{"id": 5, "movie_id": 5, "rating": 6}',
            '{"id": 6, "movie_id": 5, "rating": 0, "created_at": "bad"}',
            '{"id": 7, "movie_id": 5, "rating": 1, "created_at": "2024-01-02"}',
            '{"id": 8, "movie_id": 5, "rating": 1, "created_at": " ", "updated_at": ""}',
            '{"id": 9, "movie_id": "5", "rating": 2, "text": "x", "_deleted": "true"}',
            '{"id": 1.0, "movie_id": 5, "rating": 2}',
            '{"id": true, "movie_id": 5, "rating": 2}',
            '{"id": -4, "movie_id": 5, "rating": 2}',
            '{"id": null, "movie_id": 5, "rating": 2}',
        ),
    )
    ref = load(tmp_path, SEED)
    assert outcomes(ref, "streaming/2024-01-01/reviews.json") == [
        (1, "accepted", None),
        (2, "quarantined", "missing_movie_id"),
        (3, "quarantined", "invalid_rating"),
        (4, "quarantined", "invalid_rating"),
        (5, "quarantined", "rating_out_of_range"),
        (6, "quarantined", "rating_out_of_range"),
        (7, "quarantined", "invalid_created_at"),  # a date alone is not a timestamp
        (8, "accepted", None),
        (9, "accepted", None),  # a tombstone: removes nothing yet, not in the current state
        (10, "quarantined", "invalid_id"),
        (11, "quarantined", "invalid_id"),
        (12, "quarantined", "invalid_id"),
        (13, "quarantined", "missing_id"),
    ]
    assert ref.current["reviews"][1] == {
        "review_id": 1,
        "user_id": None,
        "movie_id": 5,
        "rating": 5,
        "review_text": None,
        "device": "tv",
        "like_count": None,
        "created_at": None,
        "updated_at": None,
    }
    assert sorted(ref.current["reviews"]) == [1, 8]


def test_tombstones_remove_records(tmp_path: Path) -> None:
    write(
        tmp_path,
        "2024-01-01",
        "users.csv",
        lines(USERS, "1,Ann, ANN@X.COM ,SG,2020-01-01,", "2,Bo,bo@x.com,MY,2020-13-01,"),
    )
    write(tmp_path, "2024-01-01", "authors.json", '{"id": 1, "name": "A"}\n{"id": 2}\n')
    write(
        tmp_path,
        "2024-01-02",
        "users.csv",
        lines(USERS + ",_deleted", "1,,,,,2024-01-02T00:00:00, True ", "2,Bo B,bo@x.com,MY,,,no"),
    )
    write(
        tmp_path,
        "2024-01-02",
        "authors.json",
        '{"id": 1, "_deleted": true, "name": 5, "birth": [1]}\n{"id": 2, "_deleted": false}\n',
    )
    ref = load(tmp_path, SEED)
    assert ref.current["users"] == {
        2: {
            "user_id": 2,
            "user_name": "Bo B",
            "email": "bo@x.com",
            "country": "MY",
            "signup_date": None,
            "updated_at": None,
        }
    }
    assert sorted(ref.current["authors"]) == [2]
    assert ref.accounting["streaming/2024-01-02/users.csv"] == (2, 2, 0, 0)
    deleted = [r for r in ref.records if r.is_deleted]
    assert [(r.entity, r.id, r.status) for r in deleted] == [
        ("authors", 1, "accepted"),
        ("users", 1, "accepted"),
    ]
    assert deleted[1].values == {
        "user_id": 1,
        "user_name": None,
        "email": None,
        "country": None,
        "signup_date": None,
        "updated_at": datetime(2024, 1, 2),
    }


def test_a_later_batch_replaces_and_a_late_batch_does_not_overwrite(tmp_path: Path) -> None:
    write(tmp_path, "2024-01-01", "movies.csv", lines(MOVIES, "1,A,90,,,,2024-01-01T00:00:00"))
    write(tmp_path, "2024-03-01", "movies.csv", lines(MOVIES, "1,C,90,,,,2024-03-01T00:00:00"))
    ref = load(tmp_path, SEED)
    assert ref.current["movies"][1]["movie_title"] == "C"
    # a batch dated between the two arrives last, with a newer updated_at: it never wins
    write(tmp_path, "2024-02-01", "movies.csv", lines(MOVIES, "1,B,90,,,,2024-12-31T00:00:00"))
    ref = load(tmp_path, SEED)
    current = ref.current_records["movies"][1]
    assert (current.values or {})["movie_title"] == "C"
    assert (current.source_file, current.batch_date, current.record_number) == (
        "streaming/2024-03-01/movies.csv",
        date(2024, 3, 1),
        2,
    )
    assert [r.status for r in ref.records] == ["accepted"] * 3
    # inside one batch the later updated_at wins (nulls first), whatever the line order
    write(
        tmp_path,
        "2024-04-01",
        "movies.csv",
        lines(
            MOVIES, "1,E,90,,,,2024-04-02 00:00:00", "1,D,90,,,,2024-04-01 00:00:00", "1,Z,90,,,,"
        ),
    )
    ref = load(tmp_path, SEED)
    assert [r.status for r in ref.records] == ["accepted"] * 6
    assert ref.current["movies"][1]["movie_title"] == "E"


def test_identical_copies_are_duplicates(tmp_path: Path) -> None:
    row = "5,Fin\U0001f3ac,100,true,,2001,2024-01-01T00:00:00Z"
    same_typed = "05, Fin ,100, TRUE ,,2001,2024-01-01 00:00:00"
    write(tmp_path, "2024-01-01", "movies.csv", lines(MOVIES, row, "6,Six,,,,,", row))
    write(tmp_path, "2024-01-05", "movies.csv", lines(MOVIES, same_typed, "6,Six,,,,,"))
    write(tmp_path, "2024-01-05", "streams.csv", lines(STREAMS))
    ref = load(tmp_path, SEED)
    assert outcomes(ref, "streaming/2024-01-01/movies.csv") == [
        (2, "accepted", None),
        (3, "accepted", None),
        (4, "duplicate", None),
    ]
    assert outcomes(ref, "streaming/2024-01-05/movies.csv") == [
        (2, "duplicate", None),
        (3, "duplicate", None),
    ]
    assert [r.copy_number for r in ref.records if r.id == 5] == [1, 2, 3]
    assert ref.accounting == {
        "streaming/2024-01-01/movies.csv": (3, 2, 1, 0),
        "streaming/2024-01-05/movies.csv": (2, 0, 2, 0),
        "streaming/2024-01-05/streams.csv": (0, 0, 0, 0),
    }
    current = ref.current_records["movies"][5]
    assert (current.batch_date, current.record_number) == (date(2024, 1, 1), 2)
    assert ref.current["movies"][5] == {
        "movie_id": 5,
        "movie_title": "Fin",
        "duration_mins": 100,
        "is_based_on_book": True,
        "book_id": None,
        "release_year": 2001,
        "updated_at": datetime(2024, 1, 1),
    }


def test_same_batch_same_updated_at_different_content_conflicts(tmp_path: Path) -> None:
    write(tmp_path, "2024-01-01", "movies.csv", lines(MOVIES, "1,X,90,,,,", "2,Y,90,,,,"))
    write(
        tmp_path,
        "2024-01-02",
        "movies.csv",
        lines(
            MOVIES,
            "1,X2,90,,,,2024-01-02T10:00:00Z",
            "1,X3,90,,,,2024-01-02T18:00:00+08:00",  # the same moment in UTC
            "1,X2,90,,,,2024-01-02 10:00:00",  # a copy of line 2: a duplicate, not a conflict
            "2,Y2,90,,,,",
            "2,Y3,90,,,,",  # both without updated_at: the same moment
            "2,Y4,90,,,,2024-01-02 00:00:00",  # later than null: accepted, current
        ),
    )
    ref = load(tmp_path, SEED)
    assert outcomes(ref, "streaming/2024-01-02/movies.csv") == [
        (2, "quarantined", "conflicting_versions"),
        (3, "quarantined", "conflicting_versions"),
        (4, "duplicate", None),
        (5, "quarantined", "conflicting_versions"),
        (6, "quarantined", "conflicting_versions"),
        (7, "accepted", None),
    ]
    assert ref.current["movies"][1]["movie_title"] == "X"  # the earlier batch stays current
    assert ref.current["movies"][2]["movie_title"] == "Y4"
    assert ref.reasons == {("streaming/2024-01-02/movies.csv", "conflicting_versions"): 4}


def test_an_orphan_stream_is_accepted_once_its_movie_arrives(tmp_path: Path) -> None:
    write(
        tmp_path,
        "2024-01-01",
        "streams.csv",
        lines(
            STREAMS,
            "1,1,99,2024-01-01 10:00:00,2024-01-01 11:00:00,5,",
            "2,1,98,2024-01-01 10:00:00,2024-01-01 11:00:00,5,",
        ),
    )
    ref = load(tmp_path, SEED)
    assert [r.reason for r in ref.records] == ["unknown_movie", "unknown_movie"]
    assert ref.current["streams"] == {}
    # movie 99 arrives in a later batch; movie 98 only ever as a tombstone, which counts too
    write(
        tmp_path,
        "2024-02-01",
        "movies.csv",
        lines(MOVIES + ",_deleted", "99,M,,,,,,", "98,,,,,,,true"),
    )
    ref = load(tmp_path, SEED)
    assert [(r.entity, r.status) for r in ref.records] == [("movies", "accepted")] * 2 + [
        ("streams", "accepted")
    ] * 2
    assert sorted(ref.current["streams"]) == [1, 2]
    assert sorted(ref.current["movies"]) == [99]


# --- marts ----------------------------------------------------------------------------------


def kpi_raw(raw: Path) -> None:
    write(
        raw,
        "2024-01-01",
        "authors.json",
        lines(
            '{"id": 1, "name": "Ann", "nationality": " SG \U0001f1f8\U0001f1ec"}',
            '{"id": 2, "name": "Bo", "nationality": "Malaysia"}',
        ),
    )
    write(
        raw,
        "2024-01-01",
        "books.json",
        '[{"id": 1, "title": "B1", "author_id": 1}, {"id": 2, "title": "B2", "author_id": 2}]',
    )
    write(
        raw,
        "2024-01-01",
        "movies.csv",
        lines(
            MOVIES,
            "1,Based,100,true,1,2000,",
            "2,NoDuration,,false,,2001,",
            "3,Unknown,60,,2,2002,",
            "4,DeletedLater,10,true,1,2003,",
        ),
    )
    write(
        raw,
        "2024-01-01",
        "streams.csv",
        lines(
            STREAMS,
            # id user movie start end size_mb: seconds
            "1,1,1,2024-01-31 23:30:00,2024-02-01 01:00:00,1024,",  # 5400, crosses the month
            "2,2,2,2024-01-22 00:00:00,2024-01-22 10:00:00,2048,",  # 36000, no duration
            "3,3,3,2024-01-21 23:59:59,2024-01-22 02:00:00,512,",  # 7201, before the 22nd
            "4,4,4,2024-01-10 10:00:00,2024-01-10 10:30:00,100,",  # 1800, movie deleted later
            "7,6,2,2024-01-05 08:00:00,2024-01-05 08:00:00,0,",  # 0
            "8,7,1,2024-01-25 12:00:00,2024-01-25 12:49:59,3000.5,",  # 2999 < 3000: not half
            "9,8,1,2024-01-28 12:00:00,2024-01-28 12:50:00,700,",  # 3000: exactly half
            "10,9,1,2024-01-02 00:00:00,2024-01-02T00:10:07.2Z,1,",  # 607.2
            "5,5,3,2024-03-05 10:00:00,2024-03-05 11:00:00,10.25,",  # March
            "6,1,1,2024-03-31T23:00:00-02:00,2024-04-01T02:30:00Z,2048,",  # April 01:00 UTC
        ),
    )
    write(raw, "2024-02-01", "movies.csv", lines(MOVIES + ",_deleted", "4,,,,,,,true"))


def test_monthly_kpis(tmp_path: Path) -> None:
    kpi_raw(tmp_path)
    ref = load(tmp_path, SEED)
    assert 4 in ref.current["streams"] and 4 not in ref.current["movies"]
    rows = ref.monthly_kpis()
    assert all(tuple(row) == KPI_COLUMNS for row in rows)
    assert [tuple(row.values()) for row in rows] == [
        # January: based-on-book flags of current movies: streams 1, 8, 9, 10 true, 2 and 7
        # false (3: null, 4: movie deleted) -> 4/6; Singaporean: movie 1 only (movie 4's book
        # is by the same author, but movie 4 is gone); 57007.2 s / (60 * 8) = 118.765;
        # sizes 0 1 100 512 | 700 1024 2048 3000.5 -> (512 + 700) / 2 / 1024 = 0.591796875;
        # last week: users 1 (stream 1) and 8 (stream 9)
        (date(2024, 1, 1), Decimal("66.67"), 1, Decimal("118.77"), Decimal("0.591797"), 2),
        (date(2024, 2, 1), None, 0, None, None, 0),  # stream 1 ends here but started in Jan
        (date(2024, 3, 1), None, 0, Decimal("60.00"), Decimal("0.010010"), 0),
        (date(2024, 4, 1), Decimal("100.00"), 1, Decimal("90.00"), Decimal("2.000000"), 0),
    ]


def test_users_affected_by_outage(tmp_path: Path) -> None:
    kpi_raw(tmp_path)
    ref = load(tmp_path, SEED)
    at = datetime
    assert ref.users_affected_by_outage(at(2024, 1, 22, 1, 0), at(2024, 1, 22, 1, 30)) == 2
    # touching counts: stream 4 ends at 10:30:00; stream 2 starts at 2024-01-22 00:00:00
    assert ref.users_affected_by_outage(at(2024, 1, 10, 10, 30), at(2024, 1, 10, 11)) == 1
    assert ref.users_affected_by_outage(at(2024, 1, 21), at(2024, 1, 22)) == 2
    assert ref.users_affected_by_outage(at(2024, 1, 10, 10, 30, 1), at(2024, 1, 10, 11)) == 0
    singapore = timezone(timedelta(hours=8))
    assert (
        ref.users_affected_by_outage(
            at(2024, 1, 22, 9, 0, tzinfo=singapore), at(2024, 1, 22, 1, 30, tzinfo=UTC)
        )
        == 2
    )
    # users 1 (streams 1 and 6), 2, 3, 5, 7 and 8 overlap January 22nd to April
    assert ref.users_affected_by_outage(at(2024, 1, 22), at(2024, 12, 31)) == 6
