with

classified as (
    select * from {{ ref('base_bank__transactions') }}
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
        raw_transaction_id as transaction_id,
        raw_customer_id as customer_id,
        raw_customer_dob as customer_dob,
        raw_gender as gender,
        raw_location as location,
        raw_account_balance as account_balance,
        raw_transaction_date as transaction_date,
        raw_transaction_time as transaction_time,
        raw_transaction_amount as transaction_amount,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
