{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ retail_delete_touched('month_start_date') }}",
) }}
{#- the rows this build (re)wrote, whatever their status: their keys are recomputed -#}
{%- set loaded = ref('int_retail__transactions_loaded') %}

with

transactions as (
    select * from {{ ref('int_retail_transactions_categorized') }}
),

scoped as (
    select
        month_start_date,
        quarter_start_date,
        season,
        region,
        customer_id,
        quantity,
        amount,
        price_category
    from transactions
    {%- if is_incremental() %}
    where month_start_date in ({{ retail_touched_keys('month_start_date', loaded) }})
    {%- endif %}
),

aggregated as (
    select
        month_start_date,
        region,
        min(quarter_start_date) as quarter_start_date,
        min(season) as season,
        count(*) as transaction_count,
        count(distinct customer_id) as customer_count,
        sum(quantity) as units_sold,
        sum(amount) as revenue,
        sum(case when price_category = 'Low' then 1 else 0 end) as low_price_count,
        sum(case when price_category = 'Medium' then 1 else 0 end) as medium_price_count,
        sum(case when price_category = 'High' then 1 else 0 end) as high_price_count,
        sum(case when price_category = 'Premium' then 1 else 0 end) as premium_price_count
    from scoped
    group by month_start_date, region
),

final as (
    select
        month_start_date,
        region,
        quarter_start_date,
        season,
        cast(transaction_count as bigint) as transaction_count,
        cast(customer_count as bigint) as customer_count,
        cast(units_sold as bigint) as units_sold,
        cast(revenue as decimal(18, 2)) as revenue,
        {{ average_half_up('revenue', 'transaction_count') }} as average_order_value,
        cast(low_price_count as bigint) as low_price_count,
        cast(medium_price_count as bigint) as medium_price_count,
        cast(high_price_count as bigint) as high_price_count,
        cast(premium_price_count as bigint) as premium_price_count
    from aggregated
)

select * from final
