with

classified as (
    select * from {{ ref('base_sales__order_lines') }}
),

rejected as (
    select
        -- where the row came from and why it was rejected
        source_file,
        line_number,
        line_count,
        channel,
        rejection_reason,
        raw_line,
        -- its values exactly as delivered, as text
        order_id_raw as order_id,
        ordered_at_raw as ordered_at,
        product_id_raw as product_id,
        quantity_raw as quantity,
        unit_price_raw as unit_price,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
