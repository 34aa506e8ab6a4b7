{{ config(materialized="table") }}

{#- One row per bank file: its header, how many rows it holds, and whether it is usable.
    A file that lacks a required column stops the build here, naming the file. -#}
{%- set required_columns = [
    'TransactionID', 'CustomerID', 'CustomerDOB', 'CustGender', 'CustLocation',
    'CustAccountBalance', 'TransactionDate', 'TransactionTime', 'TransactionAmount (INR)',
] -%}

with

files as (
    select file from {{ source('bank', 'transaction_files') }}
),

lines as (
    select * from {{ ref('base_bank__transaction_lines') }}
),

line_counts as (
    select
        source_file,
        count(*) as physical_lines,
        count(*) filter (where is_blank) as blank_lines,
        min(line_number) filter (where not is_blank) as header_line_number
    from lines
    group by source_file
),

headers as (
    select
        line_counts.*,
        lines.raw_line as header_line
    from line_counts
    left join lines
        on
            line_counts.source_file = lines.source_file
            and line_counts.header_line_number = lines.line_number
),

inventory as (
    select
        {{ relative_source_file('files.file') }} as source_file,
        headers.header_line,
        {{ csv_header_columns('headers.header_line') }} as header_columns,
        coalesce(headers.physical_lines, 0) as physical_lines,
        coalesce(headers.blank_lines, 0) as blank_lines,
        headers.header_line_number,
        -- rows read: every non-blank line after the header, malformed ones included
        case
            when headers.header_line_number is null then 0
            else headers.physical_lines - headers.blank_lines - 1
        end as rows_read
    from files
    left join headers
        on {{ relative_source_file('files.file') }} = headers.source_file
),

checked as (
    select
        *,
        {{ csv_missing_columns('header_columns', required_columns) }} as missing_columns,
        {{ csv_extra_columns('header_columns', required_columns) }} as extra_columns
    from inventory
),

final as (
    select
        source_file,
        header_line,
        header_columns,
        missing_columns,
        extra_columns,
        physical_lines,
        blank_lines,
        header_line_number,
        rows_read,
        case
            when header_line is null then 'empty'
            when rows_read = 0 then 'header_only'
            else 'loaded'
        end as file_status
    from checked
    -- A file that cannot be used as a whole stops the build with a message naming it.
    where
        case
            when header_line is not null and len(missing_columns) > 0
                then error(
                    'bank file ' || source_file || ' is unusable: missing required column(s) '
                    || array_to_string(missing_columns, ', ')
                    || '. Its header is: ' || header_line
                )
            else true
        end
)

select * from final
