{#- The records (raw_csv_lines() rows) of the given files of an incremental CSV source, read
    from the source's line reader model, which cut every new file's text once for this build,
    so that the file inventory and the base model do not cut it again each.

    lines        the line reader model (ref(); a table on DuckDB: base_retail__transaction_lines)
    text_source  the source of the files' text
    files        the paths to read (raw_files_to_load() or loaded_files_not_parsed())

    A file the line reader does not hold (it was built before the file arrived, or a model
    runs without it: `dbt build -s <model>`, a --full-refresh of one model) is read and cut
    here, as before the line reader existed, so the result never depends on what the reader
    model holds: only how often a file is read does. An empty file has no record, so it is
    always "not held" and read here (at no cost). -#}
{% macro raw_csv_records_of_files(lines, text_source, files) %}
    {{- return(adapter.dispatch('raw_csv_records_of_files')(lines, text_source, files)) -}}
{% endmacro %}

{#- PostgreSQL and Spark: the loader has cut the records already; reading its table for the
    files is what raw_csv_lines() does there (the line reader model is a view over the same
    rows, not read here). -#}
{% macro postgres__raw_csv_records_of_files(lines, text_source, files) %}
    {{- raw_csv_lines(
        text_source=raw_texts_of_files(text_source, files),
        files_source=raw_files_relation(files),
    ) -}}
{% endmacro %}

{% macro spark__raw_csv_records_of_files(lines, text_source, files) %}
    {{- return(postgres__raw_csv_records_of_files(lines, text_source, files)) -}}
{% endmacro %}

{% macro default__raw_csv_records_of_files(lines, text_source, files) %}
    {%- set held = [] -%}
    {#- (a dbt unit test's input for the reader is a CTE: nothing to look up) -#}
    {%- if execute and files | length > 0 and not lines.is_cte
        and load_relation(lines) is not none -%}
        {%- set sql -%}
            select distinct filename from {{ lines }}
            where list_contains({{ sql_text_list(files) }}, filename)
        {%- endset -%}
        {%- for filename in run_query(sql).columns[0].values() -%}
            {%- do held.append(filename) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set not_held = [] -%}
    {%- for file in files if file not in held -%}
        {%- do not_held.append(file) -%}
    {%- endfor -%}
    {%- if held | length > 0 %}
select filename, scan_position, line_count, raw_line, is_blank, is_comment
from {{ lines }}
where list_contains({{ sql_text_list(held | sort) }}, filename)
        {%- if not_held | length > 0 %}
union all
        {%- endif %}
    {%- endif %}
    {%- if not_held | length > 0 or held | length == 0 %}
select * from (
    {{ raw_csv_lines(
        text_source=raw_texts_of_files(text_source, not_held),
        files_source=raw_files_relation(not_held),
    ) }}
) as records_read_here
    {%- endif %}
{% endmacro %}

{#- The files a line reader model of an incremental CSV source cuts: those the source's file
    inventory does not list yet (all of them on a full refresh, on a first build, and where
    the inventory is rebuilt whole by every build, as on Spark). The inventory is looked up
    by name in the reader's own schema, not with ref(): it reads the reader, so a ref() would
    be a cycle. -#}
{% macro raw_csv_files_to_cut(files_source, inventory_name) %}
    {%- set inventory = none -%}
    {%- if execute and not flags.FULL_REFRESH and incremental_materialization() == 'incremental' -%}
        {%- set inventory = load_relation(this.incorporate(path={'identifier': inventory_name})) -%}
    {%- endif -%}
    {{- return(raw_files_to_load(files_source, inventory, 'source_file')) -}}
{% endmacro %}
