{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ retail_delete_touched('transaction_date') }}",
) }}
{#- the rows this build (re)wrote, whatever their status: their keys are recomputed -#}
{%- set loaded = ref('int_retail__transactions_loaded') %}

with

transactions as (
    select * from {{ ref('int_retail_transactions_categorized') }}
),

scoped as (
    select
        transaction_date,
        customer_id,
        quantity,
        amount
    from transactions
    {%- if is_incremental() %}
    where transaction_date in ({{ retail_touched_keys('transaction_date', loaded) }})
    {%- endif %}
),

aggregated as (
    select
        transaction_date,
        count(*) as transaction_count,
        count(distinct customer_id) as customer_count,
        sum(quantity) as units_sold,
        sum(amount) as revenue
    from scoped
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
