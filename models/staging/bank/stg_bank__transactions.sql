with

classified as (
    select * from {{ ref('base_bank__transactions') }}
),

accepted as (
    select
        -- ids
        transaction_id,
        customer_id,
        -- text
        location,
        gender,
        -- numbers
        transaction_amount,
        account_balance,
        -- dates and times
        transaction_date,
        transaction_time,
        transaction_at,
        customer_dob,
        -- flags
        is_customer_dob_placeholder,
        -- lineage
        source_file,
        line_number
    from classified
    where row_status = 'accepted'
)

select * from accepted
