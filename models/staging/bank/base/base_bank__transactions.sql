{#- Every data line of every bank file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined. stg_bank__transactions, the quarantine model and the
    row accounting all read from here, so a line can be neither counted twice nor lost between
    them. The raw text is kept only for quarantined rows, which keeps this table lean.

    Classified by classified_records; the rules are the doc block bank_rules
    (models/staging/bank/bank.md). -#}
{%- set raw_columns = [
    'raw_transaction_id', 'raw_customer_id', 'raw_customer_dob', 'raw_gender', 'raw_location',
    'raw_account_balance', 'raw_transaction_date', 'raw_transaction_time',
    'raw_transaction_amount',
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
            'raw_transaction_id': 'TransactionID',
            'raw_customer_id': 'CustomerID',
            'raw_customer_dob': 'CustomerDOB',
            'raw_gender': 'CustGender',
            'raw_location': 'CustLocation',
            'raw_account_balance': 'CustAccountBalance',
            'raw_transaction_date': 'TransactionDate',
            'raw_transaction_time': 'TransactionTime',
            'raw_transaction_amount': 'TransactionAmount (INR)',
        },
    ) }}
),

parsed as (
    select
        *,
        -- ids
        nullif(trim(raw_transaction_id), '') as transaction_id,
        nullif(trim(raw_customer_id), '') as customer_id,
        -- text
        nullif(upper(trim(raw_location)), '') as location,
        case
            when upper(trim(raw_gender)) in ('M', 'F', 'T') then upper(trim(raw_gender))
        end as gender,
        -- numbers
        {{ parse_decimal('raw_transaction_amount') }} as transaction_amount,
        {{ parse_decimal('raw_account_balance') }} as account_balance,
        {{ hhmmss_number('raw_transaction_time') }} as transaction_time_number,
        -- dates
        {{ parse_day_month_year('raw_transaction_date') }} as transaction_date,
        {{ parse_day_month_year('raw_customer_dob') }} as customer_dob_as_written
    from mapped
),

typed as (
    select
        *,
        {{ hhmmss_to_time('transaction_time_number') }} as transaction_time,
        {{ birth_date_before('customer_dob_as_written', 'raw_customer_dob', 'transaction_date') }}
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
            ['gender', 'raw_gender'],
            ['transaction_amount', 'raw_transaction_amount'],
            ['account_balance', 'raw_account_balance'],
            ['transaction_date', 'raw_transaction_date'],
            ['transaction_time', 'raw_transaction_time'],
            ['customer_dob', 'raw_customer_dob'],
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
