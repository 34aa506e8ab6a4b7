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

{#- Drop an index made by create_index(), if it exists. The bank mart runs it as a pre-hook
    outside the build's transaction: dbt-duckdb otherwise drops the old table's indexes and
    renames it inside the transaction, and while that transaction is open another thread's
    duckdb_indexes() scan (which dbt-duckdb runs for every table model it rebuilds) fails
    with "Table with name ...__dbt_backup does not exist". -#}
{% macro drop_index(relation, columns) -%}
    {{ return(adapter.dispatch('drop_index')(relation, columns)) }}
{%- endmacro %}

{% macro default__drop_index(relation, columns) -%}
    drop index if exists
    {{ relation.schema }}.{{ 'idx_' ~ relation.identifier ~ '__' ~ columns | join('__') }}
{%- endmacro %}

{% macro spark__drop_index(relation, columns) -%}
    select 1 as no_indexes_on_spark
{%- endmacro %}
