{#- Every data line of every bank file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined. stg_bank__transactions, the quarantine model and the
    row accounting all read from here, so a line cannot be counted twice or lost between them. -#}

with

lines as (
    select * from {{ ref('base_bank__transaction_lines') }}
),

files as (
    select * from {{ ref('stg_bank__transaction_files') }}
),

data_lines as (
    select
        lines.source_file,
        lines.line_number,
        lines.raw_line,
        files.header_columns
    from lines
    inner join files on lines.source_file = files.source_file
    where not lines.is_blank and lines.line_number > files.header_line_number
),

split as (
    select
        *,
        {{ csv_split('raw_line') }} as parsed_fields
    from data_lines
),

checked as (
    -- a line with broken quoting or the wrong number of fields is malformed: it keeps its raw
    -- line, and its fields are not guessed at
    select
        *,
        coalesce(len(parsed_fields) = len(header_columns), false) as is_well_formed,
        case when len(parsed_fields) = len(header_columns) then parsed_fields end as fields
    from split
),

mapped as (
    -- raw values as text, found by header name, so column order and extra columns don't matter
    select
        source_file,
        line_number,
        raw_line,
        is_well_formed,
        {{ csv_field('fields', 'header_columns', 'TransactionID') }} as transaction_id_raw,
        {{ csv_field('fields', 'header_columns', 'CustomerID') }} as customer_id_raw,
        {{ csv_field('fields', 'header_columns', 'CustomerDOB') }} as customer_dob_raw,
        {{ csv_field('fields', 'header_columns', 'CustGender') }} as gender_raw,
        {{ csv_field('fields', 'header_columns', 'CustLocation') }} as location_raw,
        {{ csv_field('fields', 'header_columns', 'CustAccountBalance') }} as account_balance_raw,
        {{ csv_field('fields', 'header_columns', 'TransactionDate') }} as transaction_date_raw,
        {{ csv_field('fields', 'header_columns', 'TransactionTime') }} as transaction_time_raw,
        {{ csv_field('fields', 'header_columns', 'TransactionAmount (INR)') }}
            as transaction_amount_raw
    from checked
),

typed as (
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
        -- dates and times
        {{ parse_day_month_year('transaction_date_raw') }} as transaction_date,
        {{ parse_hhmmss('transaction_time_raw') }} as transaction_time,
        -- flags
        coalesce(
            {{ parse_day_month_year('customer_dob_raw') }} = date '1800-01-01', false
        ) as is_customer_dob_placeholder
    from mapped
),

with_birth_date as (
    select
        *,
        {{ parse_birth_date('customer_dob_raw', 'transaction_date') }} as customer_dob
    from typed
),

copies as (
    -- exact duplicates: the same raw values in all nine columns; the first line is the original
    select
        *,
        case
            when is_well_formed
                then row_number() over (
                    partition by
                        transaction_id_raw, customer_id_raw, customer_dob_raw, gender_raw,
                        location_raw, account_balance_raw, transaction_date_raw,
                        transaction_time_raw, transaction_amount_raw
                    order by source_file, line_number
                )
        end as copy_number
    from with_birth_date
),

conflicting_ids as (
    -- the same TransactionID with different content: every version is a conflict
    select transaction_id
    from copies
    where copy_number = 1 and transaction_id is not null
    group by transaction_id
    having count(*) > 1
),

classified as (
    select
        copies.*,
        case
            when copies.copy_number > 1 then null
            when not copies.is_well_formed then 'malformed_row'
            when copies.transaction_id is null then 'missing_transaction_id'
            when conflicting_ids.transaction_id is not null then 'conflicting_duplicate'
            when copies.customer_id is null then 'missing_customer_id'
            when copies.location is null then 'missing_location'
            when copies.transaction_amount is null then 'invalid_amount'
            when copies.transaction_amount <= 0 then 'non_positive_amount'
            when copies.transaction_date is null then 'invalid_transaction_date'
            when copies.transaction_time is null then 'invalid_transaction_time'
        end as rejection_reason
    from copies
    left join conflicting_ids on copies.transaction_id = conflicting_ids.transaction_id
),

final as (
    select
        -- where the line came from
        source_file,
        line_number,
        raw_line,
        -- raw values as delivered
        transaction_id_raw,
        customer_id_raw,
        customer_dob_raw,
        gender_raw,
        location_raw,
        account_balance_raw,
        transaction_date_raw,
        transaction_time_raw,
        transaction_amount_raw,
        -- typed values
        transaction_id,
        customer_id,
        gender,
        location,
        account_balance,
        transaction_amount,
        customer_dob,
        transaction_date,
        transaction_time,
        transaction_date + transaction_time as transaction_at,
        is_customer_dob_placeholder,
        -- classification
        copy_number,
        rejection_reason,
        case
            when copy_number > 1 then 'duplicate'
            when rejection_reason is not null then 'quarantined'
            else 'accepted'
        end as row_status
    from classified
)

select * from final
