-- The bank mart neither loses nor invents money: its totals equal the accepted transactions'.
with

staged as (
    select
        count(*) as transaction_count,
        coalesce(sum(transaction_amount), 0) as amount
    from {{ ref('stg_bank__transactions') }}
),

mart as (
    select
        coalesce(sum(transaction_count), 0) as transaction_count,
        coalesce(sum(sum_amount), 0) as amount
    from {{ ref('location_customer_avg') }}
)

select
    staged.transaction_count as staged_count,
    mart.transaction_count as mart_count,
    staged.amount as staged_amount,
    mart.amount as mart_amount
from staged
cross join mart
where staged.transaction_count <> mart.transaction_count or staged.amount <> mart.amount
