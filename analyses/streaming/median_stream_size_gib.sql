{#- Seed 003, question 5: the median streaming size in gigabytes (GiB: size_mb / 1024),
    for one month.
    dbt compile --select median_stream_size_gib --vars '{kpi_month: "2024-01-01"}'
    The seed's percentile_cont(0.5) of size_mb / 1024 (all time, not rounded). Here: the current
    streams starting in the month, rounded half up to 6 decimals, and computed exactly: the
    median of the sizes in thousandths of a MB (integers: the interpolated median of an even
    count is the mean of the two middle values), then / (1000 * 1024). DuckDB's percentile_cont
    on a decimal column would truncate the interpolated value to the column's scale.
    Equals streaming_monthly_kpis.median_stream_size_gib of that month. -#}
{%- set kpi_month = streaming_kpi_month() -%}
with

streams as (
    select * from {{ ref('stg_streaming__streams') }}
),

month_medians as (
    select
        count(*) as stream_count,
        percentile_cont(0.5) within group (
            order by cast(size_mb * 1000 as {{ dbt.type_bigint() }})
        ) as median_size_thousandths_mb
    from streams
    where
        start_at >= {{ kpi_month }}
        and start_at < {{ dbt.dateadd('month', 1, kpi_month) }}
),

final as (
    select
        case
            when stream_count > 0
                then {{ ratio_half_up(
                    'cast(2 * median_size_thousandths_mb as ' ~ dbt.type_bigint() ~ ')',
                    '2 * 1000 * 1024',
                    6,
                ) }}
        end as median_streaming_size_gib
    from month_medians
)

select * from final
