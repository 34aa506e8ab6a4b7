{#- The "nothing lost" accounting for one source system: one row per file with the rows read
    from the file itself and where each of them went. audit.row_accounting unions one call per
    source; a new source plugs in by adding its call there.

    files        model with one row per file: source_file, rows_read (counted from the lines)
    accepted     model holding the accepted rows, with source_file (filtered by accepted_where)
    duplicates   model holding the duplicate rows, with source_file (filtered by duplicates_where)
    quarantined  model of quarantined rows, with source_file -#}
{% macro row_accounting_for(
    source_name, files, accepted, duplicates, quarantined, duplicates_where='true',
    accepted_where='true'
) %}
    select
        {{ sql_text(source_name) }} as source_name,
        files.source_file,
        files.rows_read,
        coalesce(accepted.row_count, 0) as rows_accepted,
        coalesce(duplicates.row_count, 0) as rows_duplicate,
        coalesce(quarantined.row_count, 0) as rows_quarantined
    from {{ files }} as files
    left join (
        select source_file, count(*) as row_count from {{ accepted }}
        where {{ accepted_where }}
        group by source_file
    ) as accepted on files.source_file = accepted.source_file
    left join (
        select source_file, count(*) as row_count from {{ duplicates }}
        where {{ duplicates_where }}
        group by source_file
    ) as duplicates on files.source_file = duplicates.source_file
    left join (
        select source_file, count(*) as row_count from {{ quarantined }} group by source_file
    ) as quarantined on files.source_file = quarantined.source_file
{% endmacro %}
