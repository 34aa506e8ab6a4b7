"""The hand-written part of the streaming feed: one record for every edge case of the spec.

One function per batch (in date order) adds records, with the outcome the spec's rules give
them in a full build, to the batch's files; :data:`OVERRIDES` fixes the content of ids 1-10
of the initial load. CSV rows are written as CSV text in the file's column order (with the
``_deleted`` value last when the file has that column), JSON records as JSON text; timestamps
are written out, so the versions of a record order as meant.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from analytics.generate.streaming.layout import (
    BATCHES,
    CSV_COLUMNS,
    LATE_AFTER,
    ORPHAN_MOVIE,
    File,
    NonObject,
    Raw,
    Rec,
    parse_timestamp,
)

if TYPE_CHECKING:
    from analytics.generate.streaming.feed import Feed


def _add(f: File, body: Any, entity_id: int | None, outcome: dict[str, Any]) -> Rec:
    """Add a record; its versioning time is its updated_at (a review's: or created_at)."""
    version, deleted = None, False
    if isinstance(body, dict):
        version = parse_timestamp(body.get("updated_at"))
        if version is None and f.entity == "reviews":
            version = parse_timestamp(body.get("created_at"))
        flag = body.get("_deleted")
        deleted = flag is True or (isinstance(flag, str) and flag.strip(" ").lower() == "true")
    rec = Rec(body, entity_id, version, deleted=deleted, **outcome)
    f.records.append(rec)
    return rec


def _json(
    f: File, text: str | Raw | NonObject, entity_id: int | None = None, **outcome: Any
) -> Rec:
    """Add a JSON record given as JSON text (or a malformed one)."""
    body = text if isinstance(text, Raw | NonObject) else json.loads(text)
    return _add(f, body, entity_id, outcome)


def _row(f: File, text: str | Raw, entity_id: int | None = None, **outcome: Any) -> Rec:
    """Add a CSV record given as CSV text in the file's column order (or a malformed line)."""
    if isinstance(text, Raw):
        return _add(f, text, entity_id, outcome)
    columns = (
        (*CSV_COLUMNS[f.entity], "_deleted") if f.has_deleted_column else CSV_COLUMNS[f.entity]
    )
    values = next(csv.reader([text]))
    assert len(values) == len(columns), (f.key, text)
    return _add(f, dict(zip(columns, values, strict=True)), entity_id, outcome)


def _stream(f: File, feed: Feed, text: str, flag: str = "", **outcome: Any) -> Rec:
    """Add a stream given as ``user,movie,start,end,size,updated``; its id is the next
    scenario id, its ``_deleted`` value ``flag`` when the file has that column."""
    feed.scenario_id["streams"] += 1
    stream_id = feed.scenario_id["streams"]
    text = f"{stream_id},{text}" + (f",{flag}" if f.has_deleted_column else "")
    return _row(f, text, stream_id, **outcome)


def _review(f: File, feed: Feed, text: str, **outcome: Any) -> Rec:
    """Add a review given as JSON text without its id (the next scenario id)."""
    feed.scenario_id["reviews"] += 1
    review_id = feed.scenario_id["reviews"]
    return _json(f, f'{{"id": {review_id}, {text.lstrip("{ ")}', review_id, **outcome)


DROP = object()  # an override that removes the key
_SG_PLACE = {"city": "Singapore", "country": "Singapore"}
#: The scenario's records of the initial load (ids 1-10): their content replaces the drawn one.
OVERRIDES: dict[str, dict[int, dict[str, Any]]] = {
    # Singaporean authors, spelled four ways; an unmapped nationality; a broken birth date
    "authors": {
        1: {
            "name": "Mei Ling Tan",
            "nationality": "Singaporean",
            "birth": {"date": "1961-08-09", "place": _SG_PLACE},
        },
        2: {"name": "Kelvin &amp; Jade Goh", "nationality": "SG"},
        3: {
            "name": "Rajaratnam\tPillai",
            "nationality": "singaporian",
            "birth": {"date": "1975-02-30", "place": _SG_PLACE},
        },
        4: {"name": "  Ng Wei Jie \U0001f1f8\U0001f1ec ", "nationality": " Republic of Singapore "},
        5: {"name": "José Ñúñez &amp;amp; Søn", "nationality": "Atlantean"},
        6: {"name": "Zoë Þórsdóttir 🎉", "nationality": "British", "birth": DROP},
    },
    # books 1-4 by the Singaporean authors; an id and an author id as digit strings
    "books": {
        1: {"title": "The Merlion&#39;s Secret", "author_id": 1, "genres": ["Mystery", "Drama"]},
        2: {
            "title": "Crème brûlée &lt;3 🍮",
            "author_id": "2",
            "genres": ["Romance", "  ", "🎉", "Sci-Fi &amp; Fantasy"],
        },
        3: {
            "id": "3",
            "title": "Kampong\nDays",
            "author_id": 3,
            "published": {"year": 1999, "publisher": "Ethos\u00a0Books"},
        },
        4: {
            "title": "Orchid &amp; Steel",
            "author_id": 4,
            "published": {"year": "unknown", "publisher": "Marshall Cavendish&nbsp;"},
        },
        5: {"author_id": 5},
        6: {"author_id": 6, "published": DROP},
    },
    # movies of the Singapore books, a movie to delete, blank durations and based_on_book
    "movies": {
        movie_id: {
            "title": title,
            "duration_mins": duration,
            "based_on_book": based,
            "book_id": book_id,
        }
        for movie_id, title, duration, based, book_id in (
            (1, "The Merlion's Secret", "120", "true", "1"),
            (2, "Crazy Rich Aunties, Part 2 🎬", "95", "TRUE", "2"),
            (3, "L&#39;Étranger &amp; moi", "110", "True", "3"),
            (4, "The Deleted Cut", "100", "true", "5"),
            (5, "Five Easy Pieces", "", "false", ""),
            (6, 'He said "hi"', "88", "", ""),
            (7, "Seven Seas", "130", "false", ""),
            (8, "Eight Below", "120", "true", "6"),
            (9, "Orchid &amp; Steel: the film", "90", "", "4"),
            (10, "Ten Tenths\tof a second", "", "FALSE", ""),
        )
    },
    "users": {
        1: {"name": "Aisyah Rahman", "email": "aisyah@example.com"},
        5: {"name": "Chloé Dubois", "email": "chloe@example.com", "country": "France"},
        6: {"name": "Zoë O&#39;Brien\tjr", "signup_date": "31/01/2023"},
        7: {"name": "Nguyễn Thị Minh Khai"},
        8: {"name": "Søren Ålund 👍🏽", "email": " SOREN@Example.COM "},
    },
}


_META = '"meta": {"device": "Smart TV", "likes": 3}'


def _initial_load(feed: Feed, files: dict[str, File]) -> None:
    authors, reviews, streams = files["authors"], files["reviews"], files["streams"]
    _json(
        authors,
        '{"name": "Nameless Author", "nationality": "Thai", "updated_at": "2024-01-20T10:00:00Z"}',
        reason="missing_id",
    )
    # reviews 1-9: ratings 1 and 5, text with control characters, entities and emoji, no meta,
    # unreadable likes, ids as digit strings, no movie
    for text in (
        '{"user_id": 1, "movie_id": 1, "rating": 1, "text": "Hated it.", '
        f'"created_at": "2024-01-03T10:00:00Z", {_META}}}',
        '{"user_id": 2, "movie_id": 2, "rating": 5, "text": "Perfect!!! 🎉🎉", '
        f'"created_at": "2024-01-04 21:15:00", {_META}}}',
        '{"user_id": 3, "movie_id": 3, "rating": 3, "text": "Okay I guess", '
        f'"created_at": "2024-01-05T08:00:00+08:00", {_META}}}',
        r'{"user_id": 4, "movie_id": 1, "rating": 4, "text": "Loved it!\tGreat &#39;twist&#39;'
        r'\nwould watch again 👍🏽❤️ &amp;lt;3 \u0007", "created_at": "2024-01-06T12:00:00.250Z",'
        r' "meta": {"device": "  iPhone\u00a015 ", "likes": 12}}',
        '{"user_id": 5, "movie_id": 4, "rating": 2, "text": "Meh", '
        f'"created_at": "2024-01-07T09:00:00Z", {_META}}}',
        '{"user_id": 6, "movie_id": 9, "rating": 4, "text": "No meta here", '
        '"created_at": "2024-01-08T09:00:00Z"}',
        '{"user_id": 7, "movie_id": 2, "rating": 5, "text": "Sooo good", '
        '"created_at": "2024-01-09T09:00:00Z", "meta": {"device": "Web", "likes": "many"}}',
        '{"user_id": "8", "movie_id": "3", "rating": 4, "text": "Ids as text", '
        f'"created_at": "2024-01-10T09:00:00Z", {_META}}}',
    ):
        _review(reviews, feed, text)
    _review(
        reviews,
        feed,
        '{"user_id": 1, "rating": 4, "text": "Which movie?", '
        f'"created_at": "2024-01-11T09:00:00Z", {_META}}}',
        reason="missing_movie_id",
    )
    # streams: user,movie,start,end,size,updated
    _stream(
        streams, feed, "1,1,2024-01-22T00:00:00Z,2024-01-22T01:00:00Z,812.5,2024-01-22T01:05:00Z"
    )
    # ^ exactly half of 120 minutes, from the 22nd; v one second before the last week
    _stream(
        streams, feed, "2,1,2024-01-21 23:59:59,2024-01-22 01:59:59,1500.25,2024-01-22 02:00:00"
    )
    less = _stream(
        streams, feed, "3,2,2024-01-25T20:00:00Z,2024-01-25T20:20:00Z,240,2024-01-25T20:21:00Z"
    )  # less than half
    _stream(  # a movie without duration
        streams, feed, "4,10,2024-01-26 19:00:00,2024-01-26 21:00:00,1900.000,2024-01-26 21:00:30"
    )
    midnight = _stream(
        streams, feed, "5,3,2024-01-12T23:20:00Z,2024-01-13T01:05:00Z,1350.75,2024-01-13T01:06:00Z"
    )
    _stream(  # zero length, zero size
        streams, feed, "6,1,2024-01-10 12:00:00,2024-01-10 12:00:00,0,2024-01-10 12:00:01"
    )
    _stream(
        streams,
        feed,
        "7,9,2024-01-15T08:00:00+08:00,2024-01-15T09:30:00+08:00,700.125,2024-01-15T09:31:00+08:00",
    )
    deleted_movie = _stream(
        streams, feed, "8,4,2024-01-18T18:00:00Z,2024-01-18T19:40:00Z,1024,2024-01-18T19:41:00Z"
    )
    to_delete = _stream(
        streams, feed, "1,2,2024-01-05T10:00:00Z,2024-01-05T11:00:00Z,600,2024-01-05T11:00:05Z"
    )
    streams.records.append(less.copy())  # the same line twice in one file
    feed.scenario_records.update(
        midnight=midnight, to_delete=to_delete, deleted_movie_streams=[deleted_movie]
    )


def _february(feed: Feed, files: dict[str, File]) -> None:
    authors, books, movies = files["authors"], files["books"], files["movies"]
    users, reviews, streams = files["users"], files["reviews"], files["streams"]
    late_movie = feed.inserts["movies"][2][0]
    _json(
        authors,
        '{"id": 2, "name": "Kelvin &amp; Jade Goh", "nationality": "Singapore", '
        '"updated_at": "2024-02-02T10:00:00Z"}',
        2,
    )
    _json(
        authors, Raw('{"id": 3, "name": "Rajaratnam Pillai", "nationa'), reason="malformed_record"
    )
    book2 = _json(
        books,
        '{"id": 2, "title": "Crème brûlée &lt;3 🍮", "author_id": 2, "published": {"year": 2019, '
        '"publisher": "Epigram Books"}, "genres": ["Romance", "Comedy"], '
        '"isbn": " 9789814785112 ", "updated_at": "2024-02-05T10:00:00Z"}',
        2,
    )
    _json(books, Raw('["not", "an", "object"]'), reason="malformed_record")
    movie5 = _row(movies, "5,Five Easy Pieces,95,false,,1970,2024-02-06 10:00:00", 5)
    feed.movie_duration[5] = 95
    _row(movies, "0,Zero,90,false,,2020,2024-02-07 10:00:00", reason="invalid_id")
    _row(
        movies,
        '6,"He said ""hi""",ninety,,,2001,2024-02-08 10:00:00',
        reason="invalid_duration",
    )
    user1 = _row(
        users,
        "1,Aisyah Rahman,aisyah.r@example.com,Singapore,2021-03-04,2024-02-03T09:00:00Z,false",
        1,
    )
    user2 = _row(users, "2,,,,,2024-02-05T10:00:00Z,true", 2)
    user5 = _row(
        users, "5,Chloé Dubois,Chloe@Example.com,Singapore,2022-11-30,2024-02-10T08:00:00Z,", 5
    )
    _row(
        users,
        Raw("9,Extra Field,extra@example.com,Malaysia,2023-01-01,2024-02-11 10:00:00,,oops"),
        reason="malformed_record",
    )
    review = _review(
        reviews,
        feed,
        '{"user_id": 3, "movie_id": 1, "rating": 5, "text": "Better the second time", '
        '"created_at": "2024-02-12T20:00:00Z", "meta": {"device": "iPad", "likes": 0}}',
    )
    _json(reviews, NonObject("oops"), reason="malformed_record")
    _review(
        reviews,
        feed,
        '{"user_id": 4, "movie_id": 2, "rating": "five", "text": "x", '
        '"created_at": "2024-02-13T20:00:00Z"}',
        reason="invalid_rating",
    )
    month = _stream(  # January, crossing into February
        streams,
        feed,
        "5,1,2024-01-31T23:30:00Z,2024-02-01T01:15:00Z,990.5,2024-02-01T01:20:00Z",
        "false",
    )
    late = _stream(
        streams,
        feed,
        f"6,{late_movie},2024-02-14T20:00:00Z,2024-02-14T21:40:00Z,1200,2024-02-14T21:41:00Z",
    )
    orphan = _stream(
        streams,
        feed,
        f"7,{ORPHAN_MOVIE},2024-02-15T20:00:00Z,2024-02-15T21:00:00Z,800,2024-02-15T21:01:00Z",
        reason="unknown_movie",
    )
    negative = _stream(
        streams,
        feed,
        "8,2,2024-02-16T20:00:00Z,2024-02-16T21:00:00Z,-12.5,2024-02-16T21:01:00Z",
        "false",
        reason="negative_size",
    )
    _stream(
        streams,
        feed,
        '1,3,2024-02-17T20:00:00Z,2024-02-17T21:00:00Z,"1,024.5",2024-02-17T21:01:00Z',
        reason="invalid_size",
    )
    _stream(
        streams,
        feed,
        ",3,2024-02-18T20:00:00Z,2024-02-18T21:00:00Z,500,2024-02-18T21:01:00Z",
        reason="missing_user_id",
    )
    _stream(  # 50 of 95 minutes, last week
        streams, feed, "1,2,2024-02-23T21:00:00Z,2024-02-23T21:50:00Z,700,2024-02-23T21:51:00Z"
    )
    feed.scenario_records["deleted_movie_streams"].append(
        _stream(
            streams,
            feed,
            "2,4,2024-02-20 18:00:00,2024-02-20 19:00:00,650.5,2024-02-20 19:00:10",
            "FALSE",
        )
    )
    feed.scenario_records.update(
        late_movie=late_movie, late_movie_stream=late, orphan_streams=[orphan]
    )
    feed.redelivery_scenario = {
        "books": [book2],
        "movies": [movie5],
        "users": [user1, user2, user5],
        "reviews": [review],
        "streams": [month, orphan, negative, late],
    }


def _march(feed: Feed, files: dict[str, File]) -> None:
    authors, books, movies = files["authors"], files["books"], files["movies"]
    users, reviews, streams = files["users"], files["reviews"], files["streams"]
    _json(
        authors,
        '{"id": 5, "name": "José Ñúñez", "nationality": "Brazilian", "updated_at": "yesterday"}',
        reason="invalid_updated_at",
    )
    _json(
        books,
        '{"id": "abc", "title": "Bad id", "author_id": 1, "updated_at": "2024-03-02T10:00:00Z"}',
        reason="invalid_id",
    )
    # two versions of movie 7 in one batch: the later updated_at (written first) wins
    _row(movies, '7,"Seven Seas, Final Cut",128,false,,2003,2024-03-20T10:00:00Z,false', 7)
    _row(
        movies,
        '6,"He said ""hi""",88,,,2001,2024-02-30T10:00:00,',
        reason="invalid_updated_at",
    )
    _row(movies, "7,Seven Seas (draft),131,false,,2003,2024-03-05T10:00:00Z,", 7)
    _row(users, "1,Aisyah Rahman,aisyah@example.net,Singapore,2021-03-04,2024-03-05 09:00:00", 1)
    for country in ("Malaysia", "Indonesia"):  # the same moment, two contents
        _row(
            users,
            f"4,Conflicted User,user4@example.com,{country},2020-05-05,2024-03-15T12:00:00Z",
            4,
            reason="conflicting_versions",
        )
    _row(
        users, " ,No Id,noid@example.com,Japan,2020-05-05,2024-03-16T12:00:00Z", reason="missing_id"
    )
    _json(
        reviews,
        '{"id": 3, "user_id": 3, "movie_id": 3, "rating": 4, '
        '"text": "Okay I guess &mdash; better on a second watch", '
        '"created_at": "2024-01-05T08:00:00+08:00", "meta": {"device": "Smart TV", "likes": 4}, '
        '"updated_at": "2024-03-10T12:00:00Z"}',
        3,
    )
    _json(reviews, '{"id": 5, "_deleted": true, "updated_at": "2024-03-12T08:00:00Z"}', 5)
    _json(
        reviews,
        '{"id": null, "user_id": 2, "movie_id": 1, "rating": 3, "text": "null id", '
        '"created_at": "2024-03-13T08:00:00Z"}',
        reason="missing_id",
    )
    _review(
        reviews,
        feed,
        '{"user_id": 2, "movie_id": 1, "rating": 0, "text": "Zero stars", '
        '"created_at": "2024-03-14T08:00:00Z"}',
        reason="rating_out_of_range",
    )
    midnight: Rec = feed.scenario_records["midnight"]
    to_delete: Rec = feed.scenario_records["to_delete"]
    _row(  # the vendor corrects the size
        streams,
        f"{midnight.id},5,3,2024-01-12T23:20:00Z,2024-01-13T01:05:00Z,1402.000,"
        "2024-03-02T10:00:00Z,false",
        midnight.id,
    )
    _row(streams, f"{to_delete.id},,,,,,2024-03-03 08:00:00,TRUE", to_delete.id)
    _row(  # a deletion of stream 6 that is not valid
        streams, "6,,,,,,2024-13-01T00:00:00,true", reason="invalid_updated_at"
    )
    _stream(  # February 29 in UTC
        streams,
        feed,
        "3,2,2024-03-01T07:30:00+08:00,2024-03-01T09:10:00+08:00,880,2024-03-01T09:11:00+08:00",
    )
    _row(
        streams,
        Raw('999,1,"3"x,2024-03-05T10:00:00Z,2024-03-05T11:00:00Z,1,2024-03-05,'),
        reason="malformed_record",
    )
    _stream(
        streams,
        feed,
        "4,,2024-03-06T10:00:00Z,2024-03-06T11:00:00Z,500,2024-03-06T11:00:05Z",
        reason="missing_movie_id",
    )
    _stream(  # 56 of 110 minutes, from the 22nd
        streams, feed, "2,3,2024-03-22T00:00:00Z,2024-03-22T00:56:00Z,610,2024-03-22T00:57:00Z"
    )
    late_movie = feed.scenario_records["late_movie"]
    _stream(
        streams,
        feed,
        f"6,{late_movie},2024-03-08T20:00:00Z,2024-03-08T21:00:00Z,300,2024-03-08T21:01:00Z",
    )
    feed.scenario_records["deleted_movie_streams"].append(
        _stream(
            streams, feed, "3,4,2024-03-18 18:00:00,2024-03-18 19:00:00,650.5,2024-03-18 19:00:10"
        )
    )


def _late_batch(feed: Feed, files: dict[str, File]) -> None:
    authors, books, movies = files["authors"], files["books"], files["movies"]
    users, streams = files["users"], files["streams"]
    # wins: nothing newer changes author 3
    _json(
        authors,
        '{"id": 3, "name": "Rajaratnam Pillai", "nationality": "sg", "birth": '
        '{"date": "1975-02-28", "place": {"city": "Singapore", "country": "Singapore"}}, '
        '"updated_at": "2024-04-08T10:00:00Z"}',
        3,
    )
    # lose: 2024-04-30 changes them too
    _json(
        books,
        '{"id": 4, "title": "Orchid and Steel (2nd ed.)", "author_id": 4, "published": '
        '{"year": 2005, "publisher": "Marshall Cavendish"}, "genres": ["Historical"], '
        '"isbn": "9789810000004", "updated_at": "2024-04-09T10:00:00Z"}',
        4,
    )
    _row(movies, "8,Eight Below (2024 cut),118,true,6,2006,2024-04-10T10:00:00Z", 8)
    _row(users, "3,Deleted Late,user3@example.com,Thailand,2020-01-01,2024-04-12T09:00:00Z,True", 3)
    _row(
        users,
        "6,Zoë O&#39;Brien,user6@example.com,Ireland,2023-01-31,2024-04-10T24:00:00,",
        reason="invalid_updated_at",
    )
    _stream(streams, feed, "4,2,2024-04-05T20:00:00Z,2024-04-05T21:30:00Z,900,2024-04-05T21:31:00Z")
    _stream(
        streams,
        feed,
        "5,1,2024-04-31T10:00:00,2024-04-30T11:00:00,900,2024-04-10T11:00:00",
        reason="invalid_start_at",
    )


def _april(feed: Feed, files: dict[str, File]) -> None:
    books, movies = files["books"], files["movies"]
    users, reviews, streams = files["users"], files["reviews"], files["streams"]
    feed.deleted["movies"].add(4)
    _row(movies, "4,The Deleted Cut,n/a,true,5,2010,2024-04-20T09:00:00Z,true", 4)
    _row(movies, "8,Eight Below (final),120,true,6,2006,2024-04-20T10:00:00Z,False", 8)
    _json(
        books,
        '{"id": 4, "title": "Orchid &amp; Steel", "author_id": 4, "published": '
        '{"year": 2004, "publisher": "Marshall Cavendish"}, "genres": ["Historical", "Drama"], '
        '"isbn": "9789810000004", "updated_at": "2024-04-20T11:00:00Z"}',
        4,
    )
    _row(users, "3,Back Again,user3@example.com,Thailand,2020-01-01,2024-04-25T09:00:00Z,false", 3)
    # the same record as user 5 of 2024-02-29, only written differently: a duplicate
    _row(
        users,
        "5,  Chloé Dubois , CHLOE@example.COM,Singapore,2022-11-30,2024-02-10 08:00:00,",
        5,
        duplicate=True,
    )
    _review(
        reviews,
        feed,
        '{"user_id": 2, "movie_id": 2, "rating": 4, "text": "When?", '
        '"created_at": "2024-04-31T08:00:00Z"}',
        reason="invalid_created_at",
    )
    _json(
        reviews,
        '{"id": 2.5, "user_id": 2, "movie_id": 2, "rating": 4, "text": "Half id", '
        '"created_at": "2024-04-20T08:00:00Z"}',
        reason="invalid_id",
    )
    _stream(  # 70 of 120 minutes, last week
        streams, feed, "3,1,2024-04-22T19:00:00Z,2024-04-22T20:10:00Z,999.999,2024-04-22T20:11:00Z"
    )
    _stream(  # less than half
        streams,
        feed,
        "4,3,2024-04-27T20:00:00Z,2024-04-27T20:30:00Z,300,2024-04-27T20:31:00Z",
        "false",
    )
    _stream(
        streams,
        feed,
        "2,1,2024-04-23T20:00:00Z,soon,300,2024-04-23T20:31:00Z",
        reason="invalid_end_at",
    )
    _row(
        streams,
        "-7,2,1,2024-04-24T20:00:00Z,2024-04-24T21:00:00Z,450,2024-04-24T21:00:01Z,",
        reason="invalid_id",
    )
    for entity, records in feed.redelivery_scenario.items():
        files[entity].records.extend(rec.copy() for rec in records)


def _may(feed: Feed, files: dict[str, File]) -> None:
    authors, movies = files["authors"], files["movies"]
    users, reviews, streams = files["users"], files["reviews"], files["streams"]
    _json(authors, '{"id": 6, "_deleted": true, "updated_at": "2024-05-02T10:00:00Z"}', 6)
    _row(movies, ",No id,90,true,1,2024,2024-05-03 10:00:00", reason="missing_id")
    _row(movies, "10,Ten Tenths,,yes,,2024,2024-05-04 10:00:00", reason="invalid_based_on_book")
    _row(
        users,
        "12a,Typo,typo@example.com,India,2021-01-01,2024-05-05 10:00:00,",
        reason="invalid_id",
    )
    _review(
        reviews,
        feed,
        '{"user_id": 2, "movie_id": 2, "rating": 6, "text": "Six stars!", '
        '"created_at": "2024-05-06T08:00:00Z"}',
        reason="rating_out_of_range",
    )
    _json(reviews, Raw("42"), reason="malformed_record")
    feed.scenario_records["orphan_streams"].append(
        _stream(
            streams,
            feed,
            f"8,{ORPHAN_MOVIE + 99_999},2024-05-07T20:00:00Z,"
            "2024-05-07T21:00:00Z,800,2024-05-07T21:01:00Z",
            reason="unknown_movie",
        )
    )
    _stream(
        streams,
        feed,
        "1,2,2024-05-08T20:00:00Z,2024-05-08T19:59:59Z,800,2024-05-08T21:01:00Z",
        "false",
        reason="end_before_start",
    )
    _stream(  # April, ends in May
        streams, feed, "2,3,2024-04-30T23:50:00Z,2024-05-01T01:30:00Z,1100,2024-05-01T01:31:00Z"
    )
    _stream(  # 45 of 90 minutes: exactly half
        streams,
        feed,
        "5,9,2024-05-24T20:00:00Z,2024-05-24T20:45:00Z,420,2024-05-24T20:46:00Z",
        "false",
    )
    _stream(  # crosses midnight
        streams, feed, "6,1,2024-05-10 23:00:00,2024-05-11 00:40:00,700,2024-05-11 00:41:00"
    )


SCENARIO: tuple[Callable[[Feed, dict[str, File]], None], ...] = (
    _initial_load,
    _february,
    _march,
    _late_batch,
    _april,
    _may,
)


def scenarios(feed: Feed) -> dict[str, Any]:
    """The scenario's notable ids, for tests that look at single records."""
    records = feed.scenario_records
    return {
        "singaporean_author_ids": [1, 2, 3, 4],
        "singaporean_book_movie_ids": [1, 2, 3, 9],
        "unmapped_nationality_author_ids": [5],
        "late_arriving_movie": {
            "movie_id": records["late_movie"],
            "movie_batch": BATCHES[2].isoformat(),
            "stream_ids": [records["late_movie_stream"].id],
            "stream_batch": BATCHES[1].isoformat(),
        },
        "deleted_movie": {
            "movie_id": 4,
            "deleted_in": LATE_AFTER.isoformat(),
            "stream_ids": [r.id for r in records["deleted_movie_streams"]],
        },
        "orphan_stream_ids": [r.id for r in records["orphan_streams"]],
        "conflicting_versions": {"entity": "users", "id": 4, "batch_date": "2024-03-31"},
        "two_versions_in_one_batch": {
            "entity": "movies",
            "id": 7,
            "batch_date": "2024-03-31",
            "winning_updated_at": "2024-03-20T10:00:00Z",
        },
        "late_batch_loses": [
            {"entity": "books", "id": 4},
            {"entity": "movies", "id": 8},
            {"entity": "users", "id": 3},
        ],
        "late_batch_wins": [{"entity": "authors", "id": 3}],
        "deleted": [
            {"entity": "users", "id": 2, "batch_date": "2024-02-29"},
            {"entity": "streams", "id": records["to_delete"].id, "batch_date": "2024-03-31"},
            {"entity": "reviews", "id": 5, "batch_date": "2024-03-31"},
            {"entity": "movies", "id": 4, "batch_date": "2024-04-30"},
            {"entity": "authors", "id": 6, "batch_date": "2024-05-31"},
        ],
        "formatting_only_duplicate": {"entity": "users", "id": 5, "batch_date": "2024-04-30"},
    }
