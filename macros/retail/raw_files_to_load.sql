{#- The files of a glob() inventory source that a model has not loaded yet, as a list of paths
    (sorted). An incremental model passes itself (`this`) and the column holding the relative
    file name it recorded; on a full build every file is returned. At parse time, [] .

    The list is turned into SQL by raw_files_filter() and new_raw_files_relation(): reading
    `filename in (...)` lets DuckDB open only those files, so old files are never re-read. -#}
{% macro raw_files_to_load(files_source, loaded_relation=none, loaded_column='source_file') %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set sql -%}
        select file from {{ files_source }}
        {%- if loaded_relation is not none %}
        where {{ relative_source_file('file') }} not in (
            select {{ loaded_column }} from {{ loaded_relation }}
            where {{ loaded_column }} is not null
        )
        {%- endif %}
        order by file
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{% endmacro %}

{#- A relation (subquery) listing the given files in a column `file`, shaped like a glob()
    source; empty when the list is. -#}
{% macro raw_files_relation(files) -%}
    {%- if files | length > 0 -%}
    (select {{ 'explode' if target.type == 'spark' else 'unnest' }}({{ sql_text_list(files) }}) as file) as listed_files
    {%- else -%}
    (select cast(null as {{ dbt.type_string() }}) as file where false) as listed_files
    {%- endif -%}
{%- endmacro %}

{#- The text source (a read_text() of a glob) restricted to the given files: read_text() of
    just those paths (text_source, the source itself, is read on other engines), so that the files loaded before are not read again (DuckDB's read_text()
    reads every file of a glob before a filter on filename applies). The model still calls
    source() for the text source, which records the lineage. Never called with an empty list:
    raw_csv_lines() reads nothing when the files relation is empty. -#}
{% macro raw_texts_of_files(text_source, files) -%}
    {{ return(adapter.dispatch('raw_texts_of_files')(text_source, files)) }}
{%- endmacro %}

{% macro default__raw_texts_of_files(text_source, files) -%}
    (select filename, content from read_text({{ sql_text_list(files) }})) as texts
{%- endmacro %}

{#- PostgreSQL: the loader's records of those files (the text source holds every file's). -#}
{% macro postgres__raw_texts_of_files(text_source, files) -%}
    (select * from {{ text_source }} where filename = any({{ sql_text_list(files) }})) as texts
{%- endmacro %}

{#- The paths of the files an inventory model lists as `loaded` (they hold rows) that a
    model of parsed lines (with a source_file column) does not hold yet; every loaded file when
    that model is none. [] when the inventory does not exist yet (at parse time, or when the
    linter only compiles the project). -#}
{% macro loaded_files_not_parsed(inventory, parsed_relation=none) %}
    {%- if not execute or load_relation(inventory) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set sql -%}
        select file_path from {{ inventory }}
        where
            file_status = 'loaded'
            {%- if parsed_relation is not none %}
            and source_file not in (select distinct source_file from {{ parsed_relation }})
            {%- endif %}
        order by file_path
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{% endmacro %}

{#- Spark: as on PostgreSQL, the loaded records of those files. -#}
{% macro spark__raw_texts_of_files(text_source, files) -%}
    (select * from {{ text_source }} where array_contains({{ sql_text_list(files) }}, filename)) as texts
{%- endmacro %}
