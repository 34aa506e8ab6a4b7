{#- One row per sales file: the shared file inventory (header, line counts, rows read), plus
    the channel and the file date taken from the file's name. A file whose name is not
    <web|mobile|store>_<YYYY-MM-DD>.csv (with a real date) is unusable as a whole: the build
    stops with an error naming it, as for a missing column. -#}
{{ config(materialized='table') }}

with

inventory as (
    {{ raw_csv_file_inventory(
        files_source=source('sales', 'sales_files'),
        lines=ref('base_sales__lines'),
        required_columns=['order_id', 'timestamp', 'product_id', 'quantity', 'unit_price'],
        source_label='sales',
    ) }}
),

named as (
    -- one regular expression per file (not per row): cheap
    select
        *,
        regexp_extract(
            parse_filename(file_path),
            '^(web|mobile|store)_([0-9]{4}-[0-9]{2}-[0-9]{2})[.]csv$',
            ['channel', 'file_date']
        ) as name_parts
    from inventory
),

parsed as (
    select
        *,
        nullif(name_parts['channel'], '') as channel,
        try_strptime(nullif(name_parts['file_date'], ''), '%Y-%m-%d')::date as file_date
    from named
),

final as (
    select
        file_path,
        source_file,
        channel,
        file_date,
        header_line,
        header_columns,
        missing_columns,
        extra_columns,
        physical_lines,
        header_lines,
        blank_lines,
        comment_lines,
        first_scan_position,
        header_scan_position,
        header_line_number,
        rows_read,
        file_status
    from parsed
    -- a file whose name gives no channel or no real date stops the build, naming the file
    where
        case
            when channel is null or file_date is null
                then error(
                    'sales file ' || source_file
                    || ' is unusable: its name does not match'
                    || ' <web|mobile|store>_<YYYY-MM-DD>.csv (with a real date)'
                )
            else true
        end
)

select * from final
