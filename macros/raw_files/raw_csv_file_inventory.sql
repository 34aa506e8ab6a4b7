{#- One row per raw CSV file of a source: its header, its line counts (physical lines, and
    the header, blank, comment and data-record lines they hold), the rows (records) it holds,
    and whether it is usable. A file that lacks a required column stops the build with an error
    naming the file; an empty or header-only file is kept, with zero rows read.

    files_source      the source's glob() inventory (column file)
    lines             the source's raw_csv_lines() model
    required_columns  the header names the source needs
    source_label      how the error message names the source ('bank', 'trades', ...) -#}
{% macro raw_csv_file_inventory(files_source, lines, required_columns, source_label) %}
with

files as (
    select file from {{ files_source }}
),

lines as {{ not_materialized() }} (
    -- (read twice, by two scans: held whole, every record's text would be in memory)
    select * from {{ lines }}
),

line_stats as (
    select
        filename,
        -- the file's lines, counted from where its last record ends
        max(scan_position + line_count - 1) as physical_lines,
        -- and counted record by record: equal, unless a line was lost between records
        cast(sum(line_count) as bigint) as record_lines,
        count(*) filter (where is_blank) as blank_lines,
        count(*) filter (where is_comment and not is_blank) as comment_lines,
        count(*) filter (where not is_blank and not is_comment) as records_with_header,
        min(scan_position) as first_scan_position,
        min(scan_position) filter (where not is_blank and not is_comment)
            as header_scan_position
    from lines
    group by filename
),

headers as (
    -- each file's first record that is neither blank nor a comment
    select
        line_stats.*,
        lines.raw_line as header_line,
        lines.line_count as header_lines
    from line_stats
    left join lines
        on
            line_stats.filename = lines.filename
            and line_stats.header_scan_position = lines.scan_position
),

inventory as (
    select
        files.file as file_path,
        {{ relative_source_file('files.file') }} as source_file,
        line_stats.header_line,
        {{ csv_header_columns('line_stats.header_line') }} as header_columns,
        coalesce(line_stats.physical_lines, 0) as physical_lines,
        coalesce(line_stats.header_lines, 0) as header_lines,
        coalesce(line_stats.blank_lines, 0) as blank_lines,
        coalesce(line_stats.comment_lines, 0) as comment_lines,
        -- the lines of the data records: every line but the header, blank and comment lines
        coalesce(line_stats.record_lines, 0) - coalesce(line_stats.header_lines, 0)
        - coalesce(line_stats.blank_lines, 0) - coalesce(line_stats.comment_lines, 0)
            as data_record_lines,
        line_stats.first_scan_position,
        line_stats.header_scan_position,
        line_stats.header_scan_position - line_stats.first_scan_position + 1
            as header_line_number,
        -- rows read: every record after the header that is neither a blank nor a comment
        -- line, malformed ones included
        greatest(coalesce(line_stats.records_with_header, 0) - 1, 0) as rows_read
    from files
    left join headers as line_stats on files.file = line_stats.filename
),

checked as (
    select
        *,
        {{ csv_missing_columns('header_columns', required_columns) }} as missing_columns,
        {{ csv_extra_columns('header_columns', required_columns) }} as extra_columns,
        case
            when header_line is null then 'empty'
            when rows_read = 0 then 'header_only'
            else 'loaded'
        end as file_status
    from inventory
)

select * from checked
-- a file that cannot be used as a whole stops the build with a message naming it
where
    case
        when header_line is not null and {{ list_length('missing_columns') }} > 0
            then error(  -- (on PostgreSQL: analytics_functions.error, engine_functions.sql)
                {{ sql_text(source_label ~ ' file ') }} || source_file
                || ' is unusable: missing required column(s) '
                || array_to_string(missing_columns, ', ')
                || '. Its first line is: ' || left(header_line, 300)
            )
        else true
    end
{% endmacro %}
