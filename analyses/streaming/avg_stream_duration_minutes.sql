{#- Seed 003, question 4: the average streaming duration in minutes, for one month.
    dbt compile --select avg_stream_duration_minutes --vars '{kpi_month: "2024-01-01"}'
    The seed averages (end_at - start_at) in minutes over all streams and does not round. Here:
    the current streams starting in the month, durations summed exactly in microseconds, and the
    average rounded half up to 2 decimals.
    Equals streaming_monthly_kpis.avg_stream_duration_minutes of that month. -#}
{%- set kpi_month = streaming_kpi_month() -%}
with

streams as (
    select * from {{ ref('stg_streaming__streams') }}
),

month_streams as (
    select
        {{ dbt.datediff(
            'start_at', 'end_at', 'microsecond'
        ) }} as duration_microseconds
    from streams
    where
        start_at >= {{ kpi_month }}
        and start_at < {{ dbt.dateadd('month', 1, kpi_month) }}
),

final as (
    select
        case
            when count(*) > 0
                then {{ ratio_half_up(
                    'sum(duration_microseconds)', '60 * 1000000 * count(*)', 2
                ) }}
        end as avg_streaming_duration_minutes
    from month_streams
)

select * from final
