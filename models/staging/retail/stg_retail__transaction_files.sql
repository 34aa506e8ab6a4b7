{#- One row per retail file, added the first time a build sees the file (incremental: a file
    already listed is not read again). Its header, line counts and rows_read come from the
    file's own lines; a file missing a required column stops the build, naming it. -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set files_source = source('retail', 'transaction_files') %}
{%- set text_source = source('retail', 'transaction_texts') %}
{%- set new_files = raw_files_to_load(
    files_source, this if is_incremental() else none, 'source_file'
) %}

with

-- cut once for this build by the line reader, which base_retail__transactions reads too
new_lines as (
    {{ raw_csv_records_of_files(
        lines=ref('base_retail__transaction_lines'), text_source=text_source, files=new_files,
    ) }}
),

inventory as (
    {{ raw_csv_file_inventory(
        files_source=raw_files_relation(new_files),
        lines='new_lines',
        required_columns=[
            'transaction_id', 'transaction_ts', 'customer_id', 'product_id',
            'product_category', 'region', 'quantity', 'unit_price',
        ],
        source_label='retail',
    ) }}
),

final as (
    select
        file_path,
        source_file,
        header_line,
        header_columns,
        missing_columns,
        extra_columns,
        physical_lines,
        header_lines,
        blank_lines,
        comment_lines,
        header_line_number,
        rows_read,
        file_status,
        {{ sql_text(invocation_id) }} as loaded_by_invocation_id,
        cast({{ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp)
            as loaded_at
    from inventory
)

select * from final
