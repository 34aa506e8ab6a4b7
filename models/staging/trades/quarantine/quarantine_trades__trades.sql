with

classified as (
    select * from {{ ref('base_trades__trades') }}
),

rejected as (
    select
        -- where the row came from and why it was rejected
        source_file,
        line_number,
        line_count,
        rejection_reason,
        raw_line,
        -- its values exactly as delivered, as text
        raw_timestamp as trade_timestamp,
        raw_user_id as user_id,
        raw_client_type as client_type,
        raw_symbol as symbol,
        raw_side as side,
        raw_quantity as quantity,
        raw_price as price,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
