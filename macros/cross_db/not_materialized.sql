{#- Written after `as` in a CTE read more than once that is cheaper to compute again than to
    hold: DuckDB holds such a CTE whole (every record's text, at 10 million rows over a GB)
    unless told `not materialized`. Nothing on PostgreSQL and Spark, whose plans stay as they
    were (PostgreSQL's own default, Spark's syntax has no such hint). -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro postgres__not_materialized() -%}
{%- endmacro %}

{% macro spark__not_materialized() -%}
{%- endmacro %}
