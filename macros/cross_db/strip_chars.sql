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
