{#- One row per customer: recency, frequency and monetary value of their accepted
    transactions up to the as-of date, and a segment by fixed rules (so that a customer's
    segment depends on their own transactions only, and an incremental build recomputes the
    customers its new data touched). -#}
{{ config(pre_hook="{{ retail_delete_touched('customer_id') }}") }}

with

transactions as (
    -- on an incremental build, the transactions of the customers it touched
    {{ retail_mart_transactions('customer_id') }}
),

aggregated as (
    select
        customer_id,
        min(transaction_date) as first_purchase_date,
        max(transaction_date) as last_purchase_date,
        count(*) as frequency,
        sum(amount) as monetary
    from transactions
    group by customer_id
),

scored as (
    select
        customer_id,
        first_purchase_date,
        last_purchase_date,
        {{ dbt.datediff(
            'last_purchase_date', "cast('" ~ retail_as_of_date() ~ "' as date)", 'day'
        ) }} as recency_days,
        {{ dbt.datediff(
            'first_purchase_date', "cast('" ~ retail_as_of_date() ~ "' as date)", 'day'
        ) }} as tenure_days,
        frequency,
        monetary
    from aggregated
),

final as (
    select
        customer_id,
        first_purchase_date,
        last_purchase_date,
        cast(recency_days as integer) as recency_days,
        cast(frequency as bigint) as frequency,
        cast(monetary as decimal(18, 2)) as monetary,
        case
            when recency_days <= 30 and frequency >= 10 then 'champion'
            when recency_days <= 90 and frequency >= 5 then 'loyal'
            when tenure_days <= 30 then 'new'
            when recency_days > 180 then 'lost'
            when recency_days > 90 then 'at_risk'
            else 'regular'
        end as segment
    from scored
)

select * from final
