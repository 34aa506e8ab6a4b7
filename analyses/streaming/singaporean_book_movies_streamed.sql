{#- Seed 003, question 3: the number of movies based on books by Singaporean authors streamed
    in a month.
    dbt compile --select singaporean_book_movies_streamed --vars '{kpi_month: "2024-01-01"}'
    The seed's joins (stream -> movie -> book_id -> book -> author) over the current state,
    with the author's nationality as mapped in staging. The seed filters on
    `stream_date between 'YYYY-MM-01' and 'YYYY-MM-31'`; here the month is start_at from the
    1st (included) to the next month's 1st (excluded), whatever the month's length.
    Equals streaming_monthly_kpis.singaporean_book_movies_streamed of that month. -#}
{%- set kpi_month = streaming_kpi_month() -%}
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

final as (
    select count(distinct streams.movie_id) as singaporean_authors_movie_count
    from streams
    inner join movies
        on streams.movie_id = movies.movie_id
    inner join books
        on movies.book_id = books.book_id
    inner join authors
        on books.author_id = authors.author_id
    where
        authors.nationality = 'Singaporean'
        and streams.start_at >= {{ kpi_month }}
        and streams.start_at < {{ dbt.dateadd('month', 1, kpi_month) }}
)

select * from final
