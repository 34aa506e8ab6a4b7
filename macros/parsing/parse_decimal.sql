{#- Plain decimal text (1762.5, -25, .75) to decimal(18, scale) (scale 2 by default), or
    null when it is anything else: blank, scientific notation, thousands separators, more than
    `scale` decimal places (money is kept to the paisa/cent, never rounded silently), or too
    large. -#}
{% macro parse_decimal(text, scale=2) -%}
    case
        when regexp_full_match(
            trim({{ text }}),
            '[+-]?([0-9]+([.][0-9]{0,{{ scale }}})?|[.][0-9]{1,{{ scale }}})'
        )
            then try_cast(trim({{ text }}) as decimal(18, {{ scale }}))
    end
{%- endmacro %}
