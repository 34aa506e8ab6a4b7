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
        transaction_id_raw as transaction_id,
        customer_id_raw as customer_id,
        customer_dob_raw as customer_dob,
        gender_raw as gender,
        location_raw as location,
        account_balance_raw as account_balance,
        transaction_date_raw as transaction_date,
        transaction_time_raw as transaction_time,
        transaction_amount_raw as transaction_amount,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
