{#- A Python string as a SQL text literal, and a list of them as a SQL list literal. -#}
{% macro sql_text(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro sql_text_list(values) -%}
    [{% for value in values %}{{ sql_text(value) }}{{ ", " if not loop.last }}{% endfor %}]
{%- endmacro %}
