{#- The continuous quantile of a value (linear interpolation between the two nearest ranks),
    usable as a window function: DuckDB's (and the PostgreSQL function's) quantile_cont, exact
    on decimals (DuckDB keeps the input's scale: give it room for the interpolation); on Spark percentile(), in double precision (a window over it follows
    the call, so no cast can wrap it; docs/operations.md, "Spark"). -#}
{% macro continuous_quantile(value, fraction) -%}
    {{ return(adapter.dispatch('continuous_quantile')(value, fraction)) }}
{%- endmacro %}

{% macro default__continuous_quantile(value, fraction) -%}
    quantile_cont({{ value }}, {{ fraction }})
{%- endmacro %}

{% macro spark__continuous_quantile(value, fraction) -%}
    percentile({{ value }}, {{ fraction }})
{%- endmacro %}
