{#- ISO 8601 timestamp text to a UTC timestamp, or null when it is not one of the accepted forms:

        YYYY-MM-DD HH:MM:SS  or  YYYY-MM-DDTHH:MM:SS
        then optional fractional seconds (.1 to .123456789; kept to the microsecond, truncated)
        then optional Z, or an offset +HH:MM / -HH:MM (hours 00-14, minutes 00-59)

    No offset means UTC. Surrounding spaces are ignored. The shape is checked with cheap
    character tests (positions, translate()) rather than a regular expression, and the value
    by the engine's cast, which rejects impossible dates and times (2024-02-30, 23:60:00); hour
    24 and second 60 are rejected before it, as a cast may roll them into the next day or
    minute (PostgreSQL takes 23:30:60 for 23:31:00). Offsets go through a
    timestamptz cast and timezone('UTC', ...), so the result does not depend on the session's
    TimeZone; naive values are cast straight to timestamp (a timestamp cast would silently
    ignore an offset, so it is used only when there is none).

    iso_timestamp_zone(text) gives the zone part ('', 'Z' or '+HH:MM'), which
    parse_iso_timestamp() needs; both take an already trimmed text. -#}
{% macro iso_timestamp_zone(text) -%}
    case
        when right({{ text }}, 1) = 'Z' then 'Z'
        when left(right({{ text }}, 6), 1) in ('+', '-') and left(right({{ text }}, 3), 1) = ':'
            then right({{ text }}, 6)
        else ''
    end
{%- endmacro %}

{% macro parse_iso_timestamp(text, zone) -%}
    case
        when
            length({{ text }}) between 19 and 35
            and substr({{ text }}, 5, 1) = '-'
            and substr({{ text }}, 8, 1) = '-'
            and substr({{ text }}, 11, 1) in (' ', 'T')
            and substr({{ text }}, 14, 1) = ':'
            and substr({{ text }}, 17, 1) = ':'
            and translate(left({{ text }}, 19), '0123456789', '') in ('-- ::', '--T::')
            and substr({{ text }}, 12, 2) <= '23'
            and substr({{ text }}, 18, 2) <= '59'
            -- the zone: none, Z, or +HH:MM / -HH:MM within +-14:59
            and (
                {{ zone }} in ('', 'Z')
                or (
                    translate({{ zone }}, '0123456789', '') in ('+:', '-:')
                    and substr({{ zone }}, 2, 2) <= '14'
                    and substr({{ zone }}, 5, 2) <= '59'
                )
            )
            -- between the seconds and the zone: nothing, or a dot and 1 to 9 digits
            and (
                length({{ text }}) = 19 + length({{ zone }})
                or (
                    substr({{ text }}, 20, 1) = '.'
                    and length({{ text }}) between 21 + length({{ zone }}) and 29 + length({{ zone }})
                    and translate(
                        substr({{ text }}, 21, length({{ text }}) - 20 - length({{ zone }})),
                        '0123456789',
                        ''
                    ) = ''
                )
            )
            then case
                when {{ zone }} = '' then {{ try_cast(iso_timestamp_microseconds(text), 'timestamp') }}
                else {{ utc_timestamp_of_zoned(iso_timestamp_microseconds(text)) }}
            end
    end
{%- endmacro %}

{#- The text as the cast reads it: DuckDB keeps six decimals of a second and drops the rest;
    PostgreSQL would round them, so on PostgreSQL the digits after the sixth are cut first. -#}
{% macro iso_timestamp_microseconds(text) -%}
    {{ return(adapter.dispatch('iso_timestamp_microseconds')(text)) }}
{%- endmacro %}

{% macro default__iso_timestamp_microseconds(text) -%}
    {{ text }}
{%- endmacro %}

{% macro postgres__iso_timestamp_microseconds(text) -%}
    regexp_replace({{ text }}, '^([^.]*[.][0-9]{6})[0-9]+', '\1')
{%- endmacro %}

{#- A timestamp text with a zone (Z or +HH:MM) as the UTC timestamp it names. Spark's
    timestamp is an instant, shown in the session's zone (UTC in the profile). -#}
{% macro utc_timestamp_of_zoned(text) -%}
    {{ return(adapter.dispatch('utc_timestamp_of_zoned')(text)) }}
{%- endmacro %}

{% macro default__utc_timestamp_of_zoned(text) -%}
    timezone('UTC', {{ try_cast(text, 'timestamptz') }})
{%- endmacro %}

{% macro spark__utc_timestamp_of_zoned(text) -%}
    {{ try_cast(text, 'timestamp') }}
{%- endmacro %}

{% macro spark__iso_timestamp_microseconds(text) -%}
    regexp_replace({{ text }}, '^([^.]*[.][0-9]{6})[0-9]+', '$1')
{%- endmacro %}
