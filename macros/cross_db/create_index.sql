{#- Index a table for lookups by one or more columns (the seed indexes the bank mart by
    location and by customer). Used as a post-hook; engines without indexes skip it. -#}
{% macro create_index(relation, columns) -%}
    {{ return(adapter.dispatch('create_index')(relation, columns)) }}
{%- endmacro %}

{% macro default__create_index(relation, columns) -%}
    create index if not exists {{ 'idx_' ~ relation.identifier ~ '__' ~ columns | join('__') }}
    on {{ relation }} ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__create_index(relation, columns) -%}
    select 1 as no_indexes_on_spark
{%- endmacro %}
