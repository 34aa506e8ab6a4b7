{#- Per sales date, the top 5 products over every channel: by units sold, ties broken by
    revenue (higher first), then by product id (alphabetical). Ranks are 1..5 without gaps;
    a day with fewer products has fewer ranks.

    Incremental by an exact upsert, as daily_sales: every day's ranking is computed (cheap:
    the window runs over one row per product and day, not per order line), and the merge
    writes only ranks that are new or changed and deletes ranks that no longer exist. -#}
{{ config(
    unique_key=['sales_date', 'product_rank'],
    merge_clauses=upsert_merge_clauses(['product_id', 'units_sold', 'revenue']),
) }}

with

order_lines as (
    select * from {{ ref('stg_sales__order_lines') }}
),

per_product as (
    select
        sales_date,
        product_id,
        sum(quantity) as units_sold,
        sum(revenue) as revenue
    from order_lines
    group by sales_date, product_id
),

ranked as (
    select
        sales_date,
        product_id,
        units_sold,
        revenue,
        row_number() over (
            partition by sales_date
            order by units_sold desc, revenue desc, product_id asc
        ) as product_rank
    from per_product
),

final as (
    select
        sales_date,
        cast(product_rank as integer) as product_rank,
        product_id,
        cast(units_sold as bigint) as units_sold,
        cast(revenue as decimal(38, 2)) as revenue,
        cast('{{ run_started_at }}' as {{ dbt.type_timestamp() }}) as updated_at
    from ranked
    where product_rank <= 5
)

select * from final
