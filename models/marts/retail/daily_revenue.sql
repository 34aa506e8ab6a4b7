{#- Revenue, units, customers and transactions per day (seed 004), and the average order value.
    Incremental: a build recomputes the days its new data touched. -#}
{{ config(pre_hook="{{ retail_delete_touched('transaction_date') }}") }}

with

transactions as (
    -- on an incremental build, the transactions of the days it touched
    {{ retail_mart_transactions('transaction_date') }}
),

aggregated as (
    select
        transaction_date,
        count(*) as transaction_count,
        count(distinct customer_id) as customer_count,
        sum(quantity) as units_sold,
        sum(amount) as revenue
    from transactions
    group by transaction_date
),

final as (
    select
        transaction_date,
        cast(transaction_count as bigint) as transaction_count,
        cast(customer_count as bigint) as customer_count,
        cast(units_sold as bigint) as units_sold,
        cast(revenue as decimal(18, 2)) as revenue,
        {{ average_half_up('revenue', 'transaction_count') }} as average_order_value
    from aggregated
)

select * from final
