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
        raw_order_id as order_id,
        raw_ordered_at as ordered_at,
        raw_product_id as product_id,
        raw_quantity as quantity,
        raw_unit_price as unit_price,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
