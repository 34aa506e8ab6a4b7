{#- A time of day written as an integer HHMMSS without leading zeros (143207 is 14:32:07,
    5301 is 00:53:01, 7 is 00:00:07) to a time, or null when it is not a valid time. -#}
{% macro parse_hhmmss(text) -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{1,6}')
            then try_strptime(lpad(trim({{ text }}), 6, '0'), '%H%M%S')::time
    end
{%- endmacro %}
