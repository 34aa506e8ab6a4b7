{#- One row per current stream, with what the streaming KPIs need: its month and duration, its
    current movie (based on a book? how long?), that movie's book and the book's author's
    nationality, and the two flags of the "half watched in the last week" question. A stream
    whose movie is not a current movie (deleted since) keeps null movie attributes. -#}
with

streams as (
    select * from {{ ref('stg_streaming__streams') }}
),

movies as (
    select * from {{ ref('stg_streaming__movies') }}
),

books as (
    select * from {{ ref('stg_streaming__books') }}
),

authors as (
    select * from {{ ref('stg_streaming__authors') }}
),

timed as (
    select
        stream_id,
        user_id,
        movie_id,
        start_at,
        end_at,
        size_mb,
        cast({{ dbt.date_trunc('month', 'start_at') }} as date) as stream_month,
        cast(start_at as date) as stream_date,
        -- exact: timestamps are kept to the microsecond (an integer: PostgreSQL's datediff
        -- is a float of an integer value)
        {{ microseconds_between('start_at', 'end_at') }} as duration_microseconds
    from streams
),

final as (
    select
        -- ids
        timed.stream_id,
        timed.user_id,
        timed.movie_id,
        movies.book_id,
        books.author_id,
        -- dates and times
        timed.start_at,
        timed.end_at,
        timed.stream_month,
        timed.stream_date,
        -- numbers
        timed.duration_microseconds,
        cast(timed.duration_microseconds * 0.000001 as decimal(18, 6)) as duration_seconds,
        timed.size_mb,
        -- 1 GiB = 1024 MiB (the vendor's size_mb is read as MiB, as the seed divides by 1024);
        -- 1 / 1024 = 0.0009765625 exactly
        cast(timed.size_mb * 0.0009765625 as decimal(28, 16)) as size_gib,
        movies.duration_mins,
        -- attributes of the current movie, book and author
        movies.is_based_on_book,
        authors.nationality as author_nationality,
        -- flags
        movies.movie_id is not null as has_current_movie,
        -- the seed's last week of the month: from the 22nd 00:00 to the end of the month
        timed.start_at
        >= cast({{ dbt.dateadd('day', 21, 'timed.stream_month') }} as {{ dbt.type_timestamp() }})
            as is_in_last_week_of_month,
        -- watched at least half of the movie: (end - start) >= 0.5 * duration_mins minutes
        case
            when movies.duration_mins is not null
                then
                    timed.duration_microseconds * 2
                    >= cast(movies.duration_mins as bigint) * 60000000
        end as is_at_least_half_watched
    from timed
    left join movies
        on timed.movie_id = movies.movie_id
    left join books
        on movies.book_id = books.book_id
    left join authors
        on books.author_id = authors.author_id
)

select * from final
