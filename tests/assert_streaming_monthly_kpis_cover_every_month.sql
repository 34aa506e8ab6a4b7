{#- The monthly KPIs have exactly one row per month from the first to the last month with a
    current stream, months without streams included. Returns a row when they do not. -#}
with

kpis as (
    select * from {{ ref('streaming_monthly_kpis') }}
),

streams as (
    select * from {{ ref('int_streaming__streams_enriched') }}
),

expected as (
    select
        min(stream_month) as first_month,
        max(stream_month) as last_month,
        case
            when count(*) > 0
                then {{ dbt.datediff(
                    'min(stream_month)', 'max(stream_month)', 'month'
                ) }} + 1
            else 0
        end as month_count
    from streams
),

actual as (
    select
        min(stream_month) as first_month,
        max(stream_month) as last_month,
        count(*) as month_count
    from kpis
),

final as (
    select
        expected.first_month as expected_first_month,
        actual.first_month as actual_first_month,
        expected.last_month as expected_last_month,
        actual.last_month as actual_last_month,
        expected.month_count as expected_month_count,
        actual.month_count as actual_month_count
    from expected
    cross join actual
    where
        expected.month_count <> actual.month_count
        or expected.first_month <> actual.first_month
        or expected.last_month <> actual.last_month
)

select * from final
