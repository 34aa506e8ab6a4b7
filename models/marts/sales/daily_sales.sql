{#- Per (sales date, channel): distinct orders, units and revenue of the accepted order lines.

    Incremental by an exact upsert (the doc block sales_incremental_marts,
    models/staging/sales/sales.md). -#}
{{ config(
    unique_key=['sales_date', 'channel'],
    merge_clauses=upsert_merge_clauses(['order_count', 'units_sold', 'revenue']),
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
