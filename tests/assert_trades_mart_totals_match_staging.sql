-- The weekly trades mart neither loses nor invents trades, volume or PnL: its totals equal
-- the accepted trades' (PnL within the rounding of each weekly row to the cent, half a cent
-- at most per row).
with

staged as (
    select
        count(*) as trade_count,
        coalesce(sum(quantity), 0) as volume,
        coalesce(sum(pnl), 0) as pnl
    from {{ ref('stg_trades__trades') }}
),

mart as (
    select
        coalesce(sum(trade_count), 0) as trade_count,
        coalesce(sum(total_volume), 0) as volume,
        coalesce(sum(total_pnl), 0) as pnl,
        count(*) as row_count
    from {{ ref('weekly_trades') }}
)

select
    staged.trade_count as staged_count,
    mart.trade_count as mart_count,
    staged.volume as staged_volume,
    mart.volume as mart_volume,
    staged.pnl as staged_pnl,
    mart.pnl as mart_pnl
from staged
cross join mart
where
    staged.trade_count <> mart.trade_count
    or staged.volume <> mart.volume
    or abs(staged.pnl - mart.pnl) > 0.005 * mart.row_count
