{#- Every physical line of the files behind a line source, in file order.

    The line source reads each file as one text column (no delimiter, no quoting, no type
    detection), so a malformed line can never be dropped or stop the read: it is kept as text
    and judged later. DuckDB strips a UTF-8 byte-order mark and the CR of CRLF endings.
    row_number() over () is applied directly to the scan: DuckDB evaluates it as a streaming
    window that keeps the scan order, so scan_position orders the lines of each file, and
    raw_csv_file_inventory() turns it into a line number per file. -#}
{% macro raw_csv_lines(lines_source, files_source, comment_prefix=none) %}
with

source as (
    {%- if raw_files_present(files_source) %}
    select
        filename,
        line,
        row_number() over () as scan_position
    from {{ lines_source }}
    {%- else %}
    -- no file matches the source's glob: an empty relation of the same shape
    select
        null::varchar as filename,
        null::varchar as line,
        null::bigint as scan_position
    where false
    {%- endif %}
),

classified as (
    select
        filename,
        scan_position,
        line as raw_line,
        -- (first-character tests before trim(): trim() on every line is slow at 100M lines)
        case
            when line is null or line = '' then true
            when left(line, 1) in (' ', chr(9)) then trim(line, ' ' || chr(9)) = ''
            else false
        end as is_blank,
        {%- if comment_prefix %}
        case
            when starts_with(line, {{ sql_text(comment_prefix) }}) then true
            when left(line, 1) in (' ', chr(9))
                then starts_with(ltrim(line, ' ' || chr(9)), {{ sql_text(comment_prefix) }})
            else false
        end as is_comment
        {%- else %}
        false as is_comment
        {%- endif %}
    from source
)

select * from classified
{% endmacro %}
