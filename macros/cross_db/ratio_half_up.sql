{#- numerator / denominator rounded half up to `scale` decimals, exactly: computed with an
    integer division (the engine's `/` on decimals may go through a float, which turns
    0.3 / 60 = 0.005 into 0.00499...). For a non-negative integer numerator and a positive
    integer denominator; the result is a decimal(18, scale). -#}
{% macro ratio_half_up(numerator, denominator, scale=2) -%}
    cast(
        cast(
            {{ integer_division(
                '2 * (' ~ numerator ~ ') * ' ~ (10 ** scale) ~ ' + (' ~ denominator ~ ')',
                '2 * (' ~ denominator ~ ')',
            ) }} as decimal(18, 0)
        ) * {{ '1' if scale == 0 else '0.' ~ '0' * (scale - 1) ~ '1' }}
        as decimal(18, {{ scale }})
    )
{%- endmacro %}
