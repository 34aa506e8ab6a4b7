{#- Integer text to a bigint, or null when it is anything else. The caller trims the text.

    parse_integer: an optional sign and digits (-3, +7, 007), within the bigint range.
    parse_positive_integer: digits only (no sign), greater than zero and within the integer
    range (a count such as a duration). -#}
{% macro parse_integer(text) -%}
    case
        when regexp_full_match({{ text }}, '[+-]?[0-9]+') then {{ try_cast(text, 'bigint') }}
    end
{%- endmacro %}

{% macro parse_positive_integer(text) -%}
    case
        when regexp_full_match({{ text }}, '[0-9]+') and {{ try_cast(text, 'integer') }} > 0
            then {{ try_cast(text, 'integer') }}
    end
{%- endmacro %}

{#- A calendar date written YYYY-MM-DD (exactly that shape) to a date, or null when it is
    anything else or not a real date (2024-02-30). The caller trims the text. -#}
{% macro parse_iso_date(text) -%}
    case
        when regexp_full_match({{ text }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            then {{ try_cast(text, 'date') }}
    end
{%- endmacro %}

{#- `true` / `false` in any case (the caller trims the text) to a boolean, else null. -#}
{% macro parse_boolean_text(text) -%}
    case lower({{ text }})
        when 'true' then true
        when 'false' then false
    end
{%- endmacro %}
