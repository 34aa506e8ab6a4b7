{#- Every physical line of the files behind a line source, in file order, numbered per file.

    The line source reads each file as one text column (no quoting, no type detection), so a
    malformed line can never be dropped or stop the read: it is kept as text and judged later.
    DuckDB strips a UTF-8 byte-order mark and the CR of CRLF line endings while reading.
    row_number() over () is applied directly to the scan; DuckDB evaluates it as a streaming
    window that keeps the scan order, which makes line_number the line's position in its file.
    The stg_<source>__..._files model checks that line 1 of each file is its header, so a change
    in that behaviour would stop the build instead of going unnoticed. -#}
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

numbered as (
    select
        {{ relative_source_file('filename') }} as source_file,
        scan_position - min(scan_position) over (partition by filename) + 1 as line_number,
        line as raw_line,
        coalesce(trim(line, ' ' || chr(9)), '') = '' as is_blank,
        {%- if comment_prefix %}
        coalesce(starts_with(ltrim(line), '{{ comment_prefix }}'), false) as is_comment
        {%- else %}
        false as is_comment
        {%- endif %}
    from source
)

select * from numbered
{% endmacro %}
