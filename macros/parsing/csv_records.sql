{#- The data records of a CSV source: every record after its file's header that is not a blank
    line (nor a comment line, when skip_comments), numbered by its first line in its file,
    with its count of physical lines, split into fields and
    mapped to raw text values by header NAME (so column order and extra columns don't matter).
    A line whose quoting is broken or whose field count differs from its header's is not
    well formed: it keeps its raw line, and its values are null (they are not guessed at).

    lines          the source's raw_csv_lines() model (filename, scan_position, line_count,
                   raw_line, is_blank, is_comment)
    files          the source's raw_csv_file_inventory() model
    columns        {output column: header name}, in output order
    file_columns   columns of the file inventory to carry onto every record (e.g. channel)
    skip_comments  also leave out comment lines

    Yields: source_file, the file_columns, line_number, line_count, raw_line, is_well_formed,
    the columns. -#}
{% macro csv_records(lines, files, columns, file_columns=[], skip_comments=false) %}
    with

    data_lines as (
        select
            files.source_file,
            {%- for column in file_columns %}
            files.{{ column }},
            {%- endfor %}
            lines.raw_line,
            lines.line_count,
            files.header_columns,
            lines.scan_position - files.first_scan_position + 1 as line_number
        from {{ lines }} as lines
        inner join {{ files }} as files on lines.filename = files.file_path
        where
            not lines.is_blank
            {%- if skip_comments %}
            and not lines.is_comment
            {%- endif %}
            and lines.scan_position > files.header_scan_position
    ),

    split as (
        select
            *,
            {{ csv_split('raw_line') }} as parsed_fields
        from data_lines
    ),

    checked as (
        select
            *,
            coalesce({{ list_length('parsed_fields') }} = {{ list_length('header_columns') }}, false) as is_well_formed,
            case when {{ list_length('parsed_fields') }} = {{ list_length('header_columns') }} then parsed_fields end as fields
        from split
    )

    select
        source_file,
        {%- for column in file_columns %}
        {{ column }},
        {%- endfor %}
        line_number,
        line_count,
        raw_line,
        is_well_formed,
        {%- for output_column, header_name in columns.items() %}
        {{ csv_field('fields', 'header_columns', header_name) }} as {{ output_column }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from checked
{% endmacro %}
