{#- Unsigned plain decimal text (25, 0.5, .5, 12.) to decimal(18, 6), or null when it is
    anything else: blank, a sign, scientific notation, thousands separators, more than six
    decimal places (never rounded silently) or more than twelve integer digits. The caller
    trims the text. Character tests instead of a regular expression: cheap at 100M rows.
    Zero passes here; the caller decides whether it is valid. -#}
{% macro parse_unsigned_decimal(text) -%}
    case
        when
            {{ text }} not in ('', '.')
            and translate({{ text }}, '0123456789', '') in ('', '.')
            and case
                when strpos({{ text }}, '.') = 0 then length({{ text }}) <= 12
                else
                    strpos({{ text }}, '.') <= 13
                    and length({{ text }}) - strpos({{ text }}, '.') <= 6
            end
            then cast({{ text }} as decimal(18, 6))
    end
{%- endmacro %}
