{#- True when a file-inventory source (a DuckDB glob() relation) lists at least one file.
    DuckDB's read_csv() fails outright on a glob that matches nothing, so a staging model asks
    this first and reads an empty relation instead: a source system with no files yet builds
    empty models rather than stopping the whole warehouse. At parse time (execute = false) it
    returns true so that dbt records the dependency on the line source. -#}
{% macro raw_files_present(files_source) %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set result = run_query("select count(*) from " ~ files_source) -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{% endmacro %}
