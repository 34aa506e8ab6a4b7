{#- The number of items of a list (DuckDB's len(), PostgreSQL's analytics_functions.len(),
    Spark's size(): Spark's len() is a text length). -#}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length')(list)) }}
{%- endmacro %}

{% macro default__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_length(list) -%}
    size({{ list }})
{%- endmacro %}
