{#- Seed 003, question 6: users who watched at least 50% of any movie in the last week of a
    month.
    dbt compile --select users_watched_half_last_week --vars '{kpi_month: "2024-01-01"}'
    The seed's query for the month kpi_month instead of the current month (current_date): the
    last week starts at the month's start + 3 weeks (the 22nd, 00:00) and ends before the next
    month. The duration is compared exactly, in microseconds; a movie without duration_mins
    never qualifies (the comparison with null is not true), as in the seed.
    Equals streaming_monthly_kpis.users_watched_half_last_week of that month. -#}
{%- set kpi_month = streaming_kpi_month() -%}
with

streams as (
    select * from {{ ref('stg_streaming__streams') }}
),

movies as (
    select * from {{ ref('stg_streaming__movies') }}
),

final as (
    select count(distinct streams.user_id) as users_watched_at_least_half
    from streams
    inner join movies
        on streams.movie_id = movies.movie_id
    where
        {{ dbt.datediff('streams.start_at', 'streams.end_at', 'microsecond') }}
        >= 0.5 * movies.duration_mins * 60 * 1000000
        and streams.start_at >= {{ dbt.dateadd('week', 3, kpi_month) }}
        and streams.start_at < {{ dbt.dateadd('month', 1, kpi_month) }}
)

select * from final
