{#- The average of a sum of money over a count, rounded half up to two decimals, computed in
    whole cents so that it is exact (a float division turns 2.01 / 2 into 1.00499...).
    For positive sums, as the bank mart has. -#}
{% macro average_half_up(sum_amount, row_count) -%}
    cast(
        cast(
            {{ integer_division(
                '2 * cast(' ~ sum_amount ~ ' * 100 as bigint) + ' ~ row_count,
                '2 * ' ~ row_count,
            ) }} as decimal(18, 0)
        ) * 0.01
        as decimal(18, 2)
    )
{%- endmacro %}

{#- Integer division that truncates toward zero (DuckDB's `//` on integers: -7 // 2 is -3;
    for the non-negative numerators and positive denominators the callers have, that is also
    the floor), whatever the engine's `/` does with its operands' types. -#}
{% macro integer_division(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_division')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_division(numerator, denominator) -%}
    (({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}

{#- PostgreSQL: `/` truncates only when both operands are integers; a float operand (what
    dbt.datediff() returns there) would give a float quotient, rounded later. div() on
    numerics is exact and truncates toward zero; the result is a numeric of scale 0. -#}
{% macro postgres__integer_division(numerator, denominator) -%}
    div(cast({{ numerator }} as numeric), cast({{ denominator }} as numeric))
{%- endmacro %}

{% macro duckdb__integer_division(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{% macro spark__integer_division(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}
