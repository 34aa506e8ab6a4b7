{#- A time of day written as an integer HHMMSS without leading zeros (143207 is 14:32:07,
    5301 is 00:53:01, 7 is 00:00:07). hhmmss_number() reads the digits (null unless 1 to 6
    digits); hhmmss_to_time() turns that number into a time, or null when the hours, minutes
    or seconds are out of range (250000, 126000). Integer arithmetic: cheap at 100M rows. -#}
{% macro hhmmss_number(text) -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{1,6}')
            then cast(trim({{ text }}) as integer)
    end
{%- endmacro %}

{% macro hhmmss_to_time(number) -%}
    case
        when {{ integer_division(number, '10000') }} < 24
            and {{ integer_division(number, '100') }} % 100 < 60
            and {{ number }} % 100 < 60
            then make_time(
                cast({{ integer_division(number, '10000') }} as integer),
                cast({{ integer_division(number, '100') }} % 100 as integer),
                {{ number }} % 100
            )
    end
{%- endmacro %}

{#- A date and a time of day as the timestamp they make (Spark cannot add a time to a date). -#}
{% macro date_at_time(date, time) -%}
    {{ return(adapter.dispatch('date_at_time')(date, time)) }}
{%- endmacro %}

{% macro default__date_at_time(date, time) -%}
    {{ date }} + {{ time }}
{%- endmacro %}

{% macro spark__date_at_time(date, time) -%}
    make_timestamp({{ date }}, {{ time }})
{%- endmacro %}
