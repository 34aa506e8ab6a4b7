{#- Every data line of every retail file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined: the single place where the retail rules live.

    Every line is parsed and typed once (retail_parsed_lines), then classified by the shared
    classified_records with only_repeated_keys: only lines whose transaction_id occurs more
    than once go through the record hash and the windows. The rules are the doc block
    retail_rules (models/staging/retail/retail.md).

    Incremental: a build reads only the lines of files not loaded before. A new line whose
    transaction_id was already loaded (or, without one, whose typed values equal an earlier
    line's) brings those earlier lines back in (parsed again from their stored raw_line), and
    all of them are classified together, exactly as a full build would: an exact copy counts
    once wherever it arrives, and a new version of an id quarantines every version, including
    one accepted by an earlier build. Rows are replaced by (source_file, line_number): the new
    lines, and the earlier lines whose classification changed; loaded_by_invocation_id tells
    the marts and the tests what changed. -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['source_file', 'line_number'],
    on_schema_change='fail',
) }}

{%- set text_source = source('retail', 'transaction_texts') %}
{%- set files_model = ref('stg_retail__transaction_files') %}
{%- set new_files = loaded_files_not_parsed(
    files_model, this if is_incremental() else none
) %}
{%- set positions = ['field_count'] %}
{%- for column in retail_columns() %}{% do positions.append(column ~ '_position') %}{% endfor %}
{%- set typed_columns = [
    'customer_id', 'product_id', 'product_category', 'region', 'quantity', 'unit_price',
    'transaction_at',
] %}
{%- set outcome_columns = [
    'source_file', 'line_number', 'line_count', 'row_status', 'rejection_reason', 'copy_number',
    'transaction_id', 'customer_id', 'product_id', 'product_category', 'region', 'quantity',
    'unit_price', 'amount', 'transaction_at', 'transaction_date', 'raw_line',
    'loaded_by_invocation_id',
] %}

with

files as (
    -- where each column sits in each file, from its header
    select
        file_path,
        source_file,
        {{ retail_field_positions('header_columns') }}
    from {{ files_model }}
),

-- the records the line reader cut for this build, read, not cut, again (by two scans: held
-- whole, every record's text would be in memory)
new_lines as {{ not_materialized() }} (
    {{ raw_csv_records_of_files(
        lines=ref('base_retail__transaction_lines'), text_source=text_source, files=new_files,
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
        new_lines.line_count,
        {%- for position in positions %}
        files.{{ position }},
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as previous_row_status,
        cast(null as {{ dbt.type_string() }}) as previous_rejection_reason,
        cast(null as bigint) as previous_copy_number
    from new_lines
    inner join new_line_positions on new_lines.filename = new_line_positions.filename
    inner join files on new_lines.filename = files.file_path
    where
        not new_lines.is_blank
        and new_lines.scan_position > new_line_positions.header_scan_position
),

{% if is_incremental() %}
new_line_ids as materialized (
    -- (materialized: read twice, and the split of the new lines is worth doing once)
    {{ retail_line_ids('new_data_lines') }}
),

new_unidentified as (
    -- new well-formed lines without a transaction_id: they can only be exact copies of
    -- earlier lines, which then have the same typed values
    {{ retail_parsed_lines(
        '(select * from new_data_lines where exists ('
        ~ 'select 1 from new_line_ids where new_line_ids.transaction_id is null'
        ~ ' and new_data_lines.source_file = new_line_ids.source_file'
        ~ ' and new_data_lines.line_number = new_line_ids.line_number)) as unidentified_lines'
    ) }}
),

prior_lines as (
    -- lines loaded by earlier builds that a new line may duplicate or contradict: the same
    -- transaction_id, or (without one) the same typed values; with their classification
    select
        prior.source_file,
        prior.line_number,
        prior.raw_line,
        prior.line_count,
        {%- for position in positions %}
        files.{{ position }},
        {%- endfor %}
        prior.row_status as previous_row_status,
        prior.rejection_reason as previous_rejection_reason,
        prior.copy_number as previous_copy_number
    from {{ this }} as prior
    inner join files on prior.source_file = files.source_file
    where
        prior.rejection_reason is distinct from 'malformed_row'
        and (
            prior.transaction_id in (
                select new_line_ids.transaction_id from new_line_ids
                where new_line_ids.transaction_id is not null
            )
            or (
                prior.transaction_id is null
                and {{ classify_key_hash(typed_columns) }} in (
                    select {{ classify_key_hash(typed_columns) }} from new_unidentified
                )
            )
        )
),

data_lines as (
    select * from new_data_lines
    union all
    select * from prior_lines
),
{% else %}
data_lines as (
    select * from new_data_lines
),
{% endif %}

parsed as (
    {{ retail_parsed_lines('data_lines') }}
),

typed as (
    select
        *,
        cast(quantity * unit_price as decimal(18, 2)) as amount
    from parsed
),

classified as (
    {{ classified_records(
        records='typed',
        checks=[('malformed_row', 'not is_well_formed')],
        duplicate_key=['transaction_id'],
        hash_columns=[
            'customer_id',
            'product_id',
            'product_category',
            'region',
            ['quantity', 'quantity_raw'],
            ['unit_price', 'unit_price_raw'],
            ['transaction_at', 'transaction_ts_raw'],
        ],
        conflict_key=['transaction_id'],
        rules=[
            ('missing_transaction_id', 'transaction_id is null'),
            ('conflicting_duplicate', 'is_conflicting'),
            ('missing_customer_id', 'customer_id is null'),
            ('invalid_transaction_ts', 'transaction_at is null'),
            ('future_transaction_ts',
                "cast(transaction_at as date) > date '" ~ retail_as_of_date() ~ "'"),
            ('invalid_quantity', 'quantity is null'),
            ('invalid_unit_price', 'unit_price is null'),
            ('non_positive_amount', 'amount <= 0'),
        ],
        only_repeated_keys=true,
    ) }}
),

outcomes as (
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
        {{ sql_text(invocation_id) }} as loaded_by_invocation_id,
        -- the classification an earlier build gave the line (null for a new line)
        previous_row_status,
        previous_rejection_reason,
        previous_copy_number
    from classified
),

final as (
    -- every new line, and the earlier lines whose classification changes: an earlier line
    -- that keeps its classification is left as it is (and does not count as touched)
    select {{ outcome_columns | join(', ') }}
    from outcomes
    where
        previous_row_status is null
        or row_status is distinct from previous_row_status
        or rejection_reason is distinct from previous_rejection_reason
        or copy_number is distinct from previous_copy_number
)

select * from final
