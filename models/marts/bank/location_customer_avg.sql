{#- The indexes are dropped before and created after the build's transaction (see
    drop_index() for why): a rebuild never renames an indexed table inside a transaction. -#}
{{ config(
    pre_hook=[
        {"sql": "{{ drop_index(this, ['location']) }}", "transaction": false},
        {"sql": "{{ drop_index(this, ['customer_id']) }}", "transaction": false},
    ],
    post_hook=[
        {"sql": "{{ create_index(this, ['location']) }}", "transaction": false},
        {"sql": "{{ create_index(this, ['customer_id']) }}", "transaction": false},
    ],
) }}

with

transactions as (
    select * from {{ ref('stg_bank__transactions') }}
),

aggregated as (
    select
        location,
        customer_id,
        sum(transaction_amount) as sum_amount,
        count(*) as transaction_count
    from transactions
    group by location, customer_id
),

final as (
    select
        location,
        customer_id,
        cast(sum_amount as decimal(18, 2)) as sum_amount,
        cast(transaction_count as bigint) as transaction_count,
        {{ average_half_up('sum_amount', 'transaction_count') }} as avg_amount
    from aggregated
)

select * from final
