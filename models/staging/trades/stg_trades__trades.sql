with

classified as (
    select * from {{ ref('base_trades__trades') }}
),

accepted as (
    select
        -- ids
        user_id,
        -- text
        client_type,
        symbol,
        side,
        -- numbers
        quantity,
        price,
        pnl,
        -- dates and times
        traded_at,
        trade_week,
        -- lineage
        source_file,
        line_number
    from classified
    where row_status = 'accepted'
)

select * from accepted
