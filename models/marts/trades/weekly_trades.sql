with

trades as (
    select * from {{ ref('stg_trades__trades') }}
),

aggregated as (
    select
        trade_week,
        client_type,
        user_id,
        symbol,
        sum(quantity) as total_volume,
        sum(pnl) as total_pnl,
        count(*) as trade_count
    from trades
    group by trade_week, client_type, user_id, symbol
),

final as (
    select
        trade_week,
        client_type,
        user_id,
        symbol,
        cast(total_volume as decimal(38, 6)) as total_volume,
        -- cash to the cent, half away from zero (the same on every engine)
        cast(round(total_pnl, 2) as decimal(18, 2)) as total_pnl,
        cast(trade_count as bigint) as trade_count
    from aggregated
)

select * from final
