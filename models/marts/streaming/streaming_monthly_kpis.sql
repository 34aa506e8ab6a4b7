{#- The six business questions of seed 003 that are monthly KPIs (the seventh, the outage, is a
    macro and an analysis): one row per month from the first to the last month with a current
    stream, months without streams included. Every rounding is half up on the exact value. -#}
with

streams as (
    select * from {{ ref('int_streaming__streams_enriched') }}
),

bounds as (
    select
        min(stream_month) as first_month,
        max(stream_month) as last_month
    from streams
),

months as (
    {{ month_spine('bounds', 'first_month', 'last_month') }}
),

monthly as (
    select
        stream_month,
        count(*) as stream_count,
        -- streams whose current movie says whether it is based on a book, and those that are
        count(is_based_on_book) as book_flagged_stream_count,
        sum(case when is_based_on_book then 1 else 0 end) as book_based_stream_count,
        count(
            distinct case when author_nationality = 'Singaporean' then movie_id end
        ) as singaporean_book_movies_streamed,
        sum(duration_microseconds) as total_duration_microseconds,
        -- the median size in millionths of a MB (size_mb has 6 decimals): integers, so that
        -- the interpolated median (the mean of the two middle values) is exact
        percentile_cont(0.5) within group (
            order by cast(size_mb * 1000000 as {{ dbt.type_bigint() }})
        ) as median_size_millionths_mb,
        count(
            distinct case
                when is_in_last_week_of_month and is_at_least_half_watched then user_id
            end
        ) as users_watched_half_last_week
    from streams
    group by stream_month
),

final as (
    select
        months.month_start_date as stream_month,
        cast(
            case
                when monthly.book_flagged_stream_count > 0
                    then {{ ratio_half_up(
                        '100 * monthly.book_based_stream_count',
                        'monthly.book_flagged_stream_count',
                        2,
                    ) }}
            end as decimal(5, 2)
        ) as pct_streams_based_on_books,
        cast(
            coalesce(monthly.singaporean_book_movies_streamed, 0) as {{ dbt.type_bigint() }}
        ) as singaporean_book_movies_streamed,
        cast(
            case
                when monthly.stream_count > 0
                    then {{ ratio_half_up(
                        'monthly.total_duration_microseconds',
                        '60000000 * monthly.stream_count',
                        2,
                    ) }}
            end as decimal(18, 2)
        ) as avg_stream_duration_minutes,
        -- median GiB = median millionths of a MiB / (1000000 * 1024), and twice the median is
        -- an integer
        cast(
            case
                when monthly.stream_count > 0
                    then {{ ratio_half_up(
                        'cast(2 * monthly.median_size_millionths_mb as '
                        ~ dbt.type_bigint() ~ ')',
                        'cast(2048000000 as ' ~ dbt.type_bigint() ~ ')',
                        6,
                    ) }}
            end as decimal(18, 6)
        ) as median_stream_size_gib,
        cast(
            coalesce(monthly.users_watched_half_last_week, 0) as {{ dbt.type_bigint() }}
        ) as users_watched_half_last_week
    from months
    left join monthly
        on months.month_start_date = monthly.stream_month
)

select * from final
