{#- The whole microseconds from one timestamp to another (negative when the second is
    earlier), as a bigint: dbt.datediff(..., 'microsecond') where the engine computes it
    (DuckDB, PostgreSQL); Spark's datediff has no microseconds (dbt-spark's comes out null),
    so there it is the difference of unix_micros(). -#}
{% macro microseconds_between(first, second) -%}
    {{ return(adapter.dispatch('microseconds_between')(first, second)) }}
{%- endmacro %}

{% macro default__microseconds_between(first, second) -%}
    cast({{ dbt.datediff(first, second, 'microsecond') }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro spark__microseconds_between(first, second) -%}
    (unix_micros({{ second }}) - unix_micros({{ first }}))
{%- endmacro %}
