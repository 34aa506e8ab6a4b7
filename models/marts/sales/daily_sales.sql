{#- Per (sales date, channel): distinct orders, units and revenue of the accepted order lines.

    Incremental by an exact upsert (the doc block sales_incremental_marts,
    models/docs/sales.md). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['sales_date', 'channel'],
    on_schema_change='fail',
    merge_clauses={
        'when_matched': [{
            'condition': 'DBT_INTERNAL_DEST.order_count <> DBT_INTERNAL_SOURCE.order_count'
                ~ ' or DBT_INTERNAL_DEST.units_sold <> DBT_INTERNAL_SOURCE.units_sold'
                ~ ' or DBT_INTERNAL_DEST.revenue <> DBT_INTERNAL_SOURCE.revenue',
            'action': 'update',
            'mode': 'by_name',
        }],
        'when_not_matched': [
            {'action': 'insert', 'mode': 'by_name'},
            {'by': 'source', 'action': 'delete'},
        ],
    },
) }}

with

order_lines as (
    select * from {{ ref('stg_sales__order_lines') }}
),

aggregated as (
    select
        sales_date,
        channel,
        count(distinct order_id) as order_count,
        sum(quantity) as units_sold,
        sum(revenue) as revenue
    from order_lines
    group by sales_date, channel
),

final as (
    select
        sales_date,
        channel,
        cast(order_count as bigint) as order_count,
        cast(units_sold as bigint) as units_sold,
        cast(revenue as decimal(38, 2)) as revenue,
        cast('{{ run_started_at }}' as {{ dbt.type_timestamp() }}) as updated_at
    from aggregated
)

select * from final
