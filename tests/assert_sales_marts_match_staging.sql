-- The sales marts neither lose nor invent sales: daily_sales equals the accepted lines per
-- (date, channel), and every day with sales has min(5, products sold that day) ranks, in
-- order (units desc, revenue desc, product id asc), each equal to the product's day totals.
with

staged_days as (
    select
        sales_date,
        channel,
        count(distinct order_id) as order_count,
        sum(quantity) as units_sold,
        sum(revenue) as revenue
    from {{ ref('stg_sales__order_lines') }}
    group by sales_date, channel
),

staged_products as (
    select
        sales_date,
        product_id,
        sum(quantity) as units_sold,
        sum(revenue) as revenue
    from {{ ref('stg_sales__order_lines') }}
    group by sales_date, product_id
),

mart_days as (
    select * from {{ ref('daily_sales') }}
),

top as (
    select * from {{ ref('daily_top_products') }}
),

day_mismatches as (
    select
        coalesce(staged_days.sales_date, mart_days.sales_date) as sales_date,
        'daily_sales differs from staging' as problem
    from staged_days
    full outer join mart_days
        on
            staged_days.sales_date = mart_days.sales_date
            and staged_days.channel = mart_days.channel
    where
        staged_days.sales_date is null
        or mart_days.sales_date is null
        or staged_days.order_count <> mart_days.order_count
        or staged_days.units_sold <> mart_days.units_sold
        or staged_days.revenue <> mart_days.revenue
),

top_counts as (
    select
        sales_date,
        count(*) as ranks
    from top
    group by sales_date
),

rank_counts as (
    select
        staged.sales_date,
        least(count(distinct staged.product_id), 5) as expected_ranks,
        max(coalesce(top_counts.ranks, 0)) as actual_ranks
    from staged_products as staged
    left join top_counts on staged.sales_date = top_counts.sales_date
    group by staged.sales_date
),

count_mismatches as (
    select
        sales_date,
        'wrong number of ranks' as problem
    from rank_counts
    where expected_ranks <> actual_ranks
),

value_mismatches as (
    select
        top.sales_date,
        'rank totals differ from staging' as problem
    from top
    left join staged_products
        on
            top.sales_date = staged_products.sales_date
            and top.product_id = staged_products.product_id
    where
        staged_products.product_id is null
        or top.units_sold <> staged_products.units_sold
        or top.revenue <> staged_products.revenue
),

order_mismatches as (
    -- a product outside the top 5 must rank after the fifth, and ranks must be in order
    select
        top.sales_date,
        'ranks out of order' as problem
    from top
    inner join top as next_rank
        on
            top.sales_date = next_rank.sales_date
            and next_rank.product_rank = top.product_rank + 1
    where
        top.units_sold < next_rank.units_sold
        or (top.units_sold = next_rank.units_sold and top.revenue < next_rank.revenue)
        or (
            top.units_sold = next_rank.units_sold
            and top.revenue = next_rank.revenue
            and top.product_id > next_rank.product_id
        )
),

missed_products as (
    select
        staged_products.sales_date,
        'a product outside the top 5 beats the last rank' as problem
    from staged_products
    inner join top as last_rank
        on
            staged_products.sales_date = last_rank.sales_date
            and last_rank.product_rank = 5
    where
        staged_products.product_id not in (
            select top.product_id from top
            where top.sales_date = staged_products.sales_date
        )
        and (
            staged_products.units_sold > last_rank.units_sold
            or (
                staged_products.units_sold = last_rank.units_sold
                and staged_products.revenue > last_rank.revenue
            )
            or (
                staged_products.units_sold = last_rank.units_sold
                and staged_products.revenue = last_rank.revenue
                and staged_products.product_id < last_rank.product_id
            )
        )
)

select * from day_mismatches
union all
select * from count_mismatches
union all
select * from value_mismatches
union all
select * from order_mismatches
union all
select * from missed_products
