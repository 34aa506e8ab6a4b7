{#- The "nothing lost" accounting for one source system: one row per file, in records and in
    lines. audit.row_accounting unions one call per source; a new source plugs in by adding its
    call there.

    Records: rows_read (counted from the file's records) = rows_accepted + rows_duplicate +
    rows_quarantined. Lines (CSV files; null for JSON, whose records are counted, not lines):
    physical_lines (counted from where the file's last record ends) = header_lines +
    blank_lines + comment_lines + lines_accepted + lines_duplicate + lines_quarantined, the
    last three summed from the records' own line counts.

    files        model with one row per file: source_file, rows_read and, for CSV files,
                 physical_lines, header_lines, blank_lines, comment_lines
    classified   the base model: one row per record, with source_file, row_status, line_count
    accepted     model holding the accepted rows, with source_file (filtered by accepted_where)
    quarantined  model of quarantined rows, with source_file
    has_lines    false for a source whose files are not read as lines (JSON) -#}
{% macro row_accounting_for(
    source_name, files, classified, accepted, quarantined, accepted_where='true',
    has_lines=true
) %}
    select
        {{ sql_text(source_name) }} as source_name,
        files.source_file,
        -- records
        files.rows_read,
        coalesce(accepted.row_count, 0) as rows_accepted,
        coalesce(classified.duplicate_count, 0) as rows_duplicate,
        coalesce(quarantined.row_count, 0) as rows_quarantined,
        -- lines
        {%- if has_lines %}
        files.physical_lines,
        files.header_lines,
        files.blank_lines,
        files.comment_lines,
        -- a sum of integers is a bigint on every engine (DuckDB's would be a hugeint,
        -- PostgreSQL's a numeric)
        cast(coalesce(classified.accepted_lines, 0) as {{ dbt.type_bigint() }})
            as lines_accepted,
        cast(coalesce(classified.duplicate_lines, 0) as {{ dbt.type_bigint() }})
            as lines_duplicate,
        cast(coalesce(classified.quarantined_lines, 0) as {{ dbt.type_bigint() }})
            as lines_quarantined
        {%- else %}
        null::bigint as physical_lines,
        null::bigint as header_lines,
        null::bigint as blank_lines,
        null::bigint as comment_lines,
        null::bigint as lines_accepted,
        null::bigint as lines_duplicate,
        null::bigint as lines_quarantined
        {%- endif %}
    from {{ files }} as files
    left join (
        select source_file, count(*) as row_count from {{ accepted }}
        where {{ accepted_where }}
        group by source_file
    ) as accepted on files.source_file = accepted.source_file
    left join (
        select
            source_file,
            count(*) filter (where row_status = 'duplicate') as duplicate_count,
            sum(line_count) filter (where row_status = 'accepted') as accepted_lines,
            sum(line_count) filter (where row_status = 'duplicate') as duplicate_lines,
            sum(line_count) filter (where row_status = 'quarantined') as quarantined_lines
        from {{ classified }}
        group by source_file
    ) as classified on files.source_file = classified.source_file
    left join (
        select source_file, count(*) as row_count from {{ quarantined }} group by source_file
    ) as quarantined on files.source_file = quarantined.source_file
{% endmacro %}
