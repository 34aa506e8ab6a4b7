{#- Revenue per product category and month, with its growth over the previous month.
    Incremental: a build recomputes the months its new data touched and the month after each
    (whose growth depends on them). -#}
{{ config(pre_hook="{{ retail_delete_touched('transaction_month_and_next') }}") }}
{#- the rows this build (re)wrote, whatever their status: their keys are recomputed -#}
{%- set loaded = ref('int_retail__transactions_loaded') %}

with

transactions as (
    select * from {{ ref('int_retail_transactions_categorized') }}
),

{% if is_incremental() %}
months_to_build as (
    {{ retail_touched_keys('transaction_month_and_next', loaded) }}
),

months_to_read as (
    -- the months to build and the months before them
    select touched_key as transaction_month from months_to_build
    union
    select cast({{ dbt.dateadd('month', -1, 'touched_key') }} as date) from months_to_build
),
{% endif %}

monthly as (
    select
        transaction_month,
        product_category,
        count(*) as transaction_count,
        sum(quantity) as units_sold,
        sum(amount) as revenue
    from transactions
    {%- if is_incremental() %}
    where transaction_month in (select transaction_month from months_to_read)
    {%- endif %}
    group by transaction_month, product_category
),

with_previous as (
    select
        monthly.transaction_month,
        monthly.product_category,
        monthly.transaction_count,
        monthly.units_sold,
        monthly.revenue,
        previous_month.revenue as previous_month_revenue
    from monthly
    left join monthly as previous_month
        on
            monthly.product_category = previous_month.product_category
            and previous_month.transaction_month
            = cast({{ dbt.dateadd('month', -1, 'monthly.transaction_month') }} as date)
    {%- if is_incremental() %}
    where monthly.transaction_month in (select touched_key from months_to_build)
    {%- endif %}
),

final as (
    select
        transaction_month,
        product_category,
        cast(transaction_count as bigint) as transaction_count,
        cast(units_sold as bigint) as units_sold,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(previous_month_revenue as decimal(18, 2)) as previous_month_revenue,
        -- growth over the previous month; null when the category sold nothing that month
        cast(
            round((revenue - previous_month_revenue) / previous_month_revenue, 4)
            as decimal(18, 4)
        ) as revenue_growth_rate
    from with_previous
)

select * from final
