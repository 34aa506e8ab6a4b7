{#- The seed's reports: the top 3 bronze clients over all weeks and symbols, ranked by one
    total (total_volume or total_pnl). Ties are broken by the other total, then by the smaller
    user_id, so the ranking never depends on the engine's row order. Portable SQL. -#}
{% macro top_bronze_clients(weekly_trades, ranked_by) %}
    {%- set other = {'total_volume': 'total_pnl', 'total_pnl': 'total_volume'}[ranked_by] -%}
with

weekly as (
    select * from {{ weekly_trades }}
),

bronze_clients as (
    select
        user_id,
        sum(total_volume) as total_volume,
        sum(total_pnl) as total_pnl,
        sum(trade_count) as trade_count
    from weekly
    where client_type = 'bronze'
    group by user_id
),

ranked as (
    select
        user_id,
        total_volume,
        total_pnl,
        trade_count,
        row_number() over (
            order by {{ ranked_by }} desc, {{ other }} desc, user_id asc
        ) as client_rank
    from bronze_clients
),

final as (
    select
        cast(client_rank as integer) as client_rank,
        user_id,
        cast(total_volume as decimal(38, 6)) as total_volume,
        cast(total_pnl as decimal(18, 2)) as total_pnl,
        cast(trade_count as bigint) as trade_count
    from ranked
    where client_rank <= 3
)

select * from final
{% endmacro %}
