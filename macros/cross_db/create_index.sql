{#- Index a table for lookups by one or more columns (the seed indexes the bank mart by
    location and by customer). Used as a post-hook, with drop_index() as the pre-hook: the
    table materialization renames the old table away before it builds the new one, and an
    index left on the old table makes DuckDB's catalog trip over the rename. Engines without
    indexes skip both. -#}
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

{% macro drop_index(relation, columns) -%}
    {{ return(adapter.dispatch('drop_index')(relation, columns)) }}
{%- endmacro %}

{% macro default__drop_index(relation, columns) -%}
    drop index if exists {{ relation.schema }}.{{ 'idx_' ~ relation.identifier ~ '__' ~ columns | join('__') }}
{%- endmacro %}

{% macro spark__drop_index(relation, columns) -%}
    select 1 as no_indexes_on_spark
{%- endmacro %}
