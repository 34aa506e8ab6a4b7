{#- A list of text as DuckDB casts it to text (`[a, 'b,c', NULL]`), on every engine: what the
    record hash of a list column is made of (classify_record_hash casts each value to text). -#}
{% macro list_text(list) -%}
    {{ return(adapter.dispatch('list_text')(list)) }}
{%- endmacro %}

{% macro default__list_text(list) -%}
    cast({{ list }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__list_text(list) -%}
    analytics_functions.list_text({{ list }})
{%- endmacro %}
