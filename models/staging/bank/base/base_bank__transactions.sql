{#- Every data line of every bank file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined. stg_bank__transactions, the quarantine model and the
    row accounting all read from here, so a line can be neither counted twice nor lost between
    them. The raw text is kept only for quarantined rows, which keeps this table lean.

    Classified by classified_records; the rules are the doc block bank_rules
    (models/staging/bank/bank.md). -#}
{%- set raw_columns = [
    'transaction_id_raw', 'customer_id_raw', 'customer_dob_raw', 'gender_raw', 'location_raw',
    'account_balance_raw', 'transaction_date_raw', 'transaction_time_raw',
    'transaction_amount_raw',
] %}

with

lines as (
    select * from {{ ref('base_bank__transaction_lines') }}
),

files as (
    select * from {{ ref('stg_bank__transaction_files') }}
),

-- every data line, with its raw values as text found by header name
mapped as (
    {{ csv_records(
        lines='lines',
        files='files',
        columns={
            'transaction_id_raw': 'TransactionID',
            'customer_id_raw': 'CustomerID',
            'customer_dob_raw': 'CustomerDOB',
            'gender_raw': 'CustGender',
            'location_raw': 'CustLocation',
            'account_balance_raw': 'CustAccountBalance',
            'transaction_date_raw': 'TransactionDate',
            'transaction_time_raw': 'TransactionTime',
            'transaction_amount_raw': 'TransactionAmount (INR)',
        },
    ) }}
),

parsed as (
    select
        *,
        -- ids
        nullif(trim(transaction_id_raw), '') as transaction_id,
        nullif(trim(customer_id_raw), '') as customer_id,
        -- text
        nullif(upper(trim(location_raw)), '') as location,
        case
            when upper(trim(gender_raw)) in ('M', 'F', 'T') then upper(trim(gender_raw))
        end as gender,
        -- numbers
        {{ parse_decimal('transaction_amount_raw') }} as transaction_amount,
        {{ parse_decimal('account_balance_raw') }} as account_balance,
        {{ hhmmss_number('transaction_time_raw') }} as transaction_time_number,
        -- dates
        {{ parse_day_month_year('transaction_date_raw') }} as transaction_date,
        {{ parse_day_month_year('customer_dob_raw') }} as customer_dob_as_written
    from mapped
),

typed as (
    select
        *,
        {{ hhmmss_to_time('transaction_time_number') }} as transaction_time,
        {{ birth_date_before('customer_dob_as_written', 'customer_dob_raw', 'transaction_date') }}
            as customer_dob,
        coalesce(customer_dob_as_written = date '1800-01-01', false)
            as is_customer_dob_placeholder
    from parsed
),

classified as (
    {{ classified_records(
        records='typed',
        checks=[('malformed_row', 'not is_well_formed')],
        duplicate_key=['transaction_id'],
        hash_columns=[
            'customer_id',
            'location',
            ['gender', 'gender_raw'],
            ['transaction_amount', 'transaction_amount_raw'],
            ['account_balance', 'account_balance_raw'],
            ['transaction_date', 'transaction_date_raw'],
            ['transaction_time', 'transaction_time_raw'],
            ['customer_dob', 'customer_dob_raw'],
            'is_customer_dob_placeholder',
        ],
        conflict_key=['transaction_id'],
        rules=[
            ('missing_transaction_id', 'transaction_id is null'),
            ('conflicting_duplicate', 'is_conflicting'),
            ('missing_customer_id', 'customer_id is null'),
            ('missing_location', 'location is null'),
            ('invalid_amount', 'transaction_amount is null'),
            ('non_positive_amount', 'transaction_amount <= 0'),
            ('invalid_transaction_date', 'transaction_date is null'),
            ('invalid_transaction_time', 'transaction_time is null'),
        ],
        only_repeated_keys=true,
    ) }}
),

final as (
    select
        -- where the line came from
        source_file,
        line_number,
        line_count,
        -- classification
        row_status,
        rejection_reason,
        copy_number,
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
        {{ date_at_time('transaction_date', 'transaction_time') }} as transaction_at,
        customer_dob,
        -- flags
        is_customer_dob_placeholder,
        -- raw text, kept for quarantined rows only
        {{ quarantined_only(['raw_line'] + raw_columns) }}
    from classified
)

select * from final
