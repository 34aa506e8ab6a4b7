{#- One row per sales file: the shared file inventory (header, line counts, rows read), plus
    the channel and the file date taken from the file's name. A file whose name is not
    <web|mobile|store>_<YYYY-MM-DD>.csv (with a real date) is unusable as a whole: the build
    stops with an error naming it, as for a missing column. -#}
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
    -- (source_file is sales/<name>: the source's glob is sales/*.csv); one regular
    -- expression per file (not per row): cheap
    select
        *,
        substr(source_file, length('sales/') + 1) as file_name,
        regexp_full_match(
            substr(source_file, length('sales/') + 1),
            '(web|mobile|store)_[0-9]{4}-[0-9]{2}-[0-9]{2}[.]csv'
        ) as is_well_named
    from inventory
),

parsed as (
    select
        *,
        case when is_well_named then split_part(file_name, '_', 1) end as channel,
        case
            when is_well_named
                then {{ try_cast("left(split_part(file_name, '_', 2), 10)", 'date') }}
        end as file_date
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
