{#- Plain decimal text (1762.5, -25, .75) to decimal(18, 2), or null when it is anything
    else: blank, scientific notation, thousands separators, more than two decimal places
    (money is kept to the paisa/cent, never rounded silently), or too large. -#}
{% macro parse_decimal(text) -%}
    case
        when regexp_full_match(
            trim({{ text }}), '[+-]?([0-9]+([.][0-9]{0,2})?|[.][0-9]{1,2})'
        )
            then try_cast(trim({{ text }}) as decimal(18, 2))
    end
{%- endmacro %}
