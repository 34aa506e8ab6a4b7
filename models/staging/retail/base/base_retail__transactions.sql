{#- Every data line of every retail file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined: the single place where the retail rules live.

    Incremental: a build reads only the lines of files not loaded before. A new line whose
    transaction_id was already loaded brings the earlier lines of that id back in (parsed again
    from their stored raw_line), and all of them are classified together, exactly as a full
    build would: an exact copy counts once wherever it arrives, and a new version of an id
    quarantines every version, including one accepted by an earlier build. Rows are replaced
    by (source_file, line_number); loaded_by_invocation_id tells the marts what changed. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'line_number'],
    on_schema_change='fail',
) }}

{%- set lines_source = source('retail', 'transaction_lines') %}
{%- set files_model = ref('stg_retail__transaction_files') %}
{%- set new_files = loaded_files_not_parsed(
    files_model, this if is_incremental() else none
) %}
{%- set raw_columns = [
    'transaction_id_raw', 'transaction_ts_raw', 'customer_id_raw', 'product_id_raw',
    'product_category_raw', 'region_raw', 'quantity_raw', 'unit_price_raw',
] %}

with

files as (
    select * from {{ files_model }}
),

new_lines as (
    {{ raw_csv_lines(
        lines_source=raw_lines_of_files(lines_source, new_files),
        files_source=raw_files_relation(new_files),
    ) }}
),

new_line_positions as (
    -- scan positions are local to this read: number each file's lines from its first line
    select
        filename,
        min(scan_position) as first_scan_position,
        min(scan_position) filter (where not is_blank) as header_scan_position
    from new_lines
    group by filename
),

new_data_lines as (
    select
        files.source_file,
        new_lines.scan_position - new_line_positions.first_scan_position + 1 as line_number,
        new_lines.raw_line,
        files.header_columns
    from new_lines
    inner join new_line_positions on new_lines.filename = new_line_positions.filename
    inner join files on new_lines.filename = files.file_path
    where
        not new_lines.is_blank
        and new_lines.scan_position > new_line_positions.header_scan_position
),

new_parsed as (
    {{ retail_parsed_lines('new_data_lines') }}
),

{% if is_incremental() %}
prior_lines as (
    -- lines loaded by earlier builds whose id reappears in the new lines
    select
        prior.source_file,
        prior.line_number,
        prior.raw_line,
        files.header_columns
    from {{ this }} as prior
    inner join files on prior.source_file = files.source_file
    where
        prior.rejection_reason is distinct from 'malformed_row'
        and coalesce(prior.transaction_id, '') in (
            select coalesce(new_parsed.transaction_id, '') from new_parsed
            where new_parsed.is_well_formed
        )
),

prior_parsed as (
    {{ retail_parsed_lines('prior_lines') }}
),

typed as (
    select * from new_parsed
    union all
    select * from prior_parsed
),
{% else %}
typed as (
    select * from new_parsed
),
{% endif %}

repeated_ids as (
    -- only ids that occur more than once can be duplicates or conflicts
    select coalesce(transaction_id, '') as id_key
    from typed
    where is_well_formed
    group by id_key
    having count(*) > 1
),

suspects as (
    -- exact duplicates: the same raw values in all eight columns; the first line (in file,
    -- then line order) is the original
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
    -- the same transaction_id with different content: every version is a conflict
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
        coalesce(
            suspect_outcomes.copy_number, case when typed.is_well_formed then 1 end
        ) as copy_number,
        coalesce(suspect_outcomes.is_conflicting, false) as is_conflicting,
        cast(typed.quantity * typed.unit_price as decimal(18, 2)) as amount
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
            when transaction_at is null then 'invalid_transaction_ts'
            when cast(transaction_at as date) > date '{{ retail_as_of_date() }}'
                then 'future_transaction_ts'
            when quantity is null then 'invalid_quantity'
            when unit_price is null then 'invalid_unit_price'
            when amount <= 0 then 'non_positive_amount'
        end as rejection_reason
    from classified
),

final as (
    select
        -- where the line came from
        source_file,
        line_number,
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
        cast(transaction_at as date) as transaction_date,
        -- the raw line, kept for every row: a later file may turn an accepted row into a
        -- conflict, and its quarantine row needs the text as delivered
        raw_line,
        -- lineage of the load
        {{ sql_text(invocation_id) }} as loaded_by_invocation_id
    from reasons
)

select * from final
