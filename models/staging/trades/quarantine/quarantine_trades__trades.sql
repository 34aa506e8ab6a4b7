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
        timestamp_raw as trade_timestamp,
        user_id_raw as user_id,
        client_type_raw as client_type,
        symbol_raw as symbol,
        side_raw as side,
        quantity_raw as quantity,
        price_raw as price,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
