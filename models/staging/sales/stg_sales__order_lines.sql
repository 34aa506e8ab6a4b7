with

classified as (
    select * from {{ ref('base_sales__order_lines') }}
),

accepted as (
    select
        -- ids
        order_id,
        product_id,
        -- text
        channel,
        -- numbers
        quantity,
        unit_price,
        revenue,
        -- dates and times
        ordered_at,
        sales_date,
        file_date,
        -- lineage
        source_file,
        line_number
    from classified
    where row_status = 'accepted'
)

select * from accepted
