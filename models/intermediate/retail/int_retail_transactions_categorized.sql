{#- Accepted retail transactions with the seed's derived attributes: price category (from the
    thresholds seed), month, quarter and season. Shared by the four retail marts. -#}
with

transactions as (
    select * from {{ ref('stg_retail__transactions') }}
),

price_categories as (
    select * from {{ ref('retail_price_categories') }}
),

categorized as (
    select
        transactions.transaction_id,
        transactions.customer_id,
        transactions.product_id,
        transactions.product_category,
        transactions.region,
        transactions.quantity,
        transactions.unit_price,
        transactions.amount,
        transactions.transaction_at,
        transactions.transaction_date,
        price_categories.price_category,
        cast({{ dbt.date_trunc('month', 'transactions.transaction_date') }} as date)
            as transaction_month,
        cast({{ dbt.date_trunc('quarter', 'transactions.transaction_date') }} as date)
            as transaction_quarter,
        {{ retail_season('transactions.transaction_date') }} as season,
        transactions.loaded_by_invocation_id
    from transactions
    left join price_categories
        on
            transactions.unit_price >= price_categories.min_unit_price
            and (
                transactions.unit_price < price_categories.max_unit_price
                or price_categories.max_unit_price is null
            )
)

select * from categorized
