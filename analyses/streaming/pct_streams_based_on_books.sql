{#- Seed 003, question 1: the percentage of streamed movies based on books, for one month.
    dbt compile --select pct_streams_based_on_books --vars '{kpi_month: "2024-01-01"}'
    The seed's query, over the current streams and movies, with two changes: only the streams
    starting in the month (the seed counts all time), and an exact half-up rounding (the seed's
    round() on PostgreSQL numeric is exact and half up; DuckDB divides in floating point).
    Equals streaming_monthly_kpis.pct_streams_based_on_books of that month. -#}
{%- set kpi_month = streaming_kpi_month() -%}
with

streams as (
    select * from {{ ref('stg_streaming__streams') }}
),

movies as (
    select * from {{ ref('stg_streaming__movies') }}
),

month_streams as (
    select movies.is_based_on_book
    from streams
    inner join movies
        on streams.movie_id = movies.movie_id
    where
        movies.is_based_on_book is not null
        and streams.start_at >= {{ kpi_month }}
        and streams.start_at < {{ dbt.dateadd('month', 1, kpi_month) }}
),

final as (
    select
        case
            when count(*) > 0
                then {{ ratio_half_up(
                    '100 * sum(case when is_based_on_book then 1 else 0 end)', 'count(*)', 2
                ) }}
        end as percentage_based_on_books
    from month_streams
)

select * from final
