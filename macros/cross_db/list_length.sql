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

{#- The item at a 1-based position of a list, null outside it (Spark's [] counts from 0). -#}
{% macro list_item(list, position) -%}
    {{ return(adapter.dispatch('list_item')(list, position)) }}
{%- endmacro %}

{% macro default__list_item(list, position) -%}
    {{ list }}[{{ position }}]
{%- endmacro %}

{% macro spark__list_item(list, position) -%}
    get({{ list }}, {{ position }} - 1)
{%- endmacro %}

{#- Two select items: one row per item of a list (none for an empty or null list), with the
    item and its 0-based offset (DuckDB's unnest and generate_subscripts, Spark's posexplode).
    In a select list of one table's columns. -#}
{% macro list_items_with_offset(list, item, offset) -%}
    {{ return(adapter.dispatch('list_items_with_offset')(list, item, offset)) }}
{%- endmacro %}

{% macro default__list_items_with_offset(list, item, offset) -%}
    unnest({{ list }}) as {{ item }},
    generate_subscripts({{ list }}, 1) - 1 as {{ offset }}
{%- endmacro %}

{% macro spark__list_items_with_offset(list, item, offset) -%}
    posexplode({{ list }}) as ({{ offset }}, {{ item }})
{%- endmacro %}
