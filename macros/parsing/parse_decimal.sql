{#- Plain decimal text (1762.5, -25, .75) to decimal(18, scale) (scale 2 by default), or
    null when it is anything else: blank, scientific notation, thousands separators, more than
    `scale` decimal places (money is kept to the paisa/cent, never rounded silently), or too
    large. With rounded=true, any number of decimal places is accepted and rounded half up to
    `scale` (for a measure such as a size, where a finer digit carries no meaning). -#}
{% macro parse_decimal(text, scale=2, rounded=false) -%}
    {%- set decimals = '*' if rounded else '{0,' ~ scale ~ '}' -%}
    {%- set only_decimals = '+' if rounded else '{1,' ~ scale ~ '}' -%}
    case
        when regexp_full_match(
            trim({{ text }}),
            '[+-]?([0-9]+([.][0-9]{{ decimals }})?|[.][0-9]{{ only_decimals }})'
        )
            then {{ try_cast('trim(' ~ text ~ ')', 'decimal(18, ' ~ scale ~ ')') }}
    end
{%- endmacro %}
