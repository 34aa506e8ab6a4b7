{#- ISO 8601 date and time text to a UTC timestamp (without time zone), or null when it is
    anything else. Accepted: YYYY-MM-DD, then `T` or a space, then hh:mm:ss, then optionally
    a fraction of 1 to 6 digits, then optionally `Z` or an offset +hh, +hhmm or +hh:mm (hours
    00-23); no zone means UTC. The shape is checked with LIKE patterns (cheap), a regular
    expression runs only on the rare suffix beyond `Z`, and DuckDB's cast checks that the
    date and time are real (2025-02-30 and 25:00:00 are null). The text must be trimmed.
    A text without a zone is read in the session time zone, which profiles.yml sets to UTC
    for every target. -#}
{% macro parse_iso_timestamp(text) -%}
    case
        when
            ({{ text }} like '____-__-__T__:__:__%' or {{ text }} like '____-__-__ __:__:__%')
            and (
                length({{ text }}) = 19
                or substr({{ text }}, 20) = 'Z'
                or regexp_full_match(
                    substr({{ text }}, 20),
                    '([.][0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?'
                )
            )
            then timezone('UTC', try_cast({{ text }} as timestamptz))
    end
{%- endmacro %}
