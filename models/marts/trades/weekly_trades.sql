with

trades as (
    select * from {{ ref('stg_trades__trades') }}
),

aggregated as (
    select
        week_start_date,
        client_type,
        user_id,
        symbol,
        sum(quantity) as total_volume,
        sum(pnl) as total_pnl,
        count(*) as trade_count
    from trades
    group by week_start_date, client_type, user_id, symbol
),

final as (
    select
        week_start_date,
        client_type,
        user_id,
        symbol,
        cast(total_volume as decimal(38, 6)) as total_volume,
        cast(total_pnl as decimal(38, 12)) as total_pnl,
        cast(trade_count as bigint) as trade_count
    from aggregated
)

select * from final
