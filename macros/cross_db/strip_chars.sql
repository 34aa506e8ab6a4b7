{#- A text without the given characters at its start (side 'leading'), its end ('trailing')
    or both: DuckDB's ltrim/rtrim/trim(text, characters); Spark reads the two-argument forms
    the other way round, so there it is the standard trim(leading ... from ...). -#}
{% macro strip_chars(text, characters, side='both') -%}
    {{ return(adapter.dispatch('strip_chars')(text, characters, side)) }}
{%- endmacro %}

{% macro default__strip_chars(text, characters, side='both') -%}
    {{ {'leading': 'ltrim', 'trailing': 'rtrim', 'both': 'trim'}[side] }}({{ text }}, {{ characters }})
{%- endmacro %}

{% macro spark__strip_chars(text, characters, side='both') -%}
    trim({{ side }} {{ characters }} from {{ text }})
{%- endmacro %}

{#- The ISO day of the week of a date, 1 (Monday) to 7 (Sunday). -#}
{% macro iso_day_of_week(date) -%}
    {{ return(adapter.dispatch('iso_day_of_week')(date)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date) -%}
    extract(isodow from {{ date }})
{%- endmacro %}

{% macro spark__iso_day_of_week(date) -%}
    extract(dow_iso from {{ date }})
{%- endmacro %}
