{#- Per region and month: revenue, units, customers, average order value and the price-category
    mix (seed 004). Incremental: a build recomputes the months its new data touched. -#}
{{ config(pre_hook="{{ retail_delete_touched('transaction_month') }}") }}

with

transactions as (
    -- on an incremental build, the transactions of the months it touched
    {{ retail_mart_transactions('transaction_month') }}
),

aggregated as (
    select
        transaction_month,
        region,
        min(transaction_quarter) as transaction_quarter,
        min(season) as season,
        count(*) as transaction_count,
        count(distinct customer_id) as customer_count,
        sum(quantity) as units_sold,
        sum(amount) as revenue,
        sum(case when price_category = 'Low' then 1 else 0 end) as low_price_count,
        sum(case when price_category = 'Medium' then 1 else 0 end) as medium_price_count,
        sum(case when price_category = 'High' then 1 else 0 end) as high_price_count,
        sum(case when price_category = 'Premium' then 1 else 0 end) as premium_price_count
    from transactions
    group by transaction_month, region
),

final as (
    select
        transaction_month,
        region,
        transaction_quarter,
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
