with

classified as (
    select * from {{ ref('base_retail__transactions') }}
),

accepted as (
    select
        -- ids
        transaction_id,
        customer_id,
        product_id,
        -- text
        product_category,
        region,
        -- numbers
        quantity,
        unit_price,
        amount,
        -- dates and times
        transaction_at,
        transaction_date,
        -- lineage
        source_file,
        line_number,
        loaded_by_invocation_id
    from classified
    where row_status = 'accepted'
)

select * from accepted
