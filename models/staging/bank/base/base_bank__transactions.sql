{#- Every data line of every bank file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined. stg_bank__transactions, the quarantine model and the
    row accounting all read from here, so a line can be neither counted twice nor lost between
    them. The raw text is kept only for quarantined rows, which keeps this table lean. -#}
{{ config(materialized='table') }}

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

repeated_ids as (
    -- only rows whose id occurs more than once can be duplicates or conflicts: the window and
    -- the conflict check below run on those rows alone instead of on every row
    select coalesce(transaction_id, '') as id_key
    from typed
    where is_well_formed
    group by id_key
    having count(*) > 1
),

suspects as (
    -- exact duplicates: the same raw values in all nine columns; the first line is the original
    select
        typed.source_file,
        typed.line_number,
        typed.transaction_id,
        row_number() over (
            partition by {{ raw_columns | join(', ') }}
            order by typed.source_file, typed.line_number
        ) as copy_number
    from typed
    semi join repeated_ids on coalesce(typed.transaction_id, '') = repeated_ids.id_key
    where typed.is_well_formed
),

conflicting_ids as (
    -- the same TransactionID with different content: every version is a conflict
    select transaction_id
    from suspects
    where copy_number = 1 and transaction_id is not null
    group by transaction_id
    having count(*) > 1
),

suspect_outcomes as (
    select
        suspects.source_file,
        suspects.line_number,
        suspects.copy_number,
        conflicting_ids.transaction_id is not null as is_conflicting
    from suspects
    left join conflicting_ids on suspects.transaction_id = conflicting_ids.transaction_id
),

classified as (
    select
        typed.*,
        -- a row whose id occurs once is its own original
        coalesce(
            suspect_outcomes.copy_number, case when typed.is_well_formed then 1 end
        ) as copy_number,
        coalesce(suspect_outcomes.is_conflicting, false) as is_conflicting
    from typed
    left join suspect_outcomes
        on
            typed.source_file = suspect_outcomes.source_file
            and typed.line_number = suspect_outcomes.line_number
),

reasons as (
    select
        *,
        case
            when copy_number > 1 then null
            when not is_well_formed then 'malformed_row'
            when transaction_id is null then 'missing_transaction_id'
            when is_conflicting then 'conflicting_duplicate'
            when customer_id is null then 'missing_customer_id'
            when location is null then 'missing_location'
            when transaction_amount is null then 'invalid_amount'
            when transaction_amount <= 0 then 'non_positive_amount'
            when transaction_date is null then 'invalid_transaction_date'
            when transaction_time is null then 'invalid_transaction_time'
        end as rejection_reason
    from classified
),

final as (
    select
        -- where the line came from
        source_file,
        line_number,
        line_count,
        -- classification
        case
            when copy_number > 1 then 'duplicate'
            when rejection_reason is not null then 'quarantined'
            else 'accepted'
        end as row_status,
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
        transaction_date + transaction_time as transaction_at,
        customer_dob,
        -- flags
        is_customer_dob_placeholder,
        -- raw text, kept for quarantined rows only
        case when rejection_reason is not null then raw_line end as raw_line,
        case
            when rejection_reason is not null then transaction_id_raw
        end as transaction_id_raw,
        case
            when rejection_reason is not null then customer_id_raw
        end as customer_id_raw,
        case
            when rejection_reason is not null then customer_dob_raw
        end as customer_dob_raw,
        case
            when rejection_reason is not null then gender_raw
        end as gender_raw,
        case
            when rejection_reason is not null then location_raw
        end as location_raw,
        case
            when rejection_reason is not null then account_balance_raw
        end as account_balance_raw,
        case
            when rejection_reason is not null then transaction_date_raw
        end as transaction_date_raw,
        case
            when rejection_reason is not null then transaction_time_raw
        end as transaction_time_raw,
        case
            when rejection_reason is not null then transaction_amount_raw
        end as transaction_amount_raw
    from reasons
)

select * from final
