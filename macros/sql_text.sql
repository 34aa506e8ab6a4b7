{#- A Python string as a SQL text literal, and a list of them as a SQL list literal. -#}
{#- (Spark's literals escape with a backslash, and read '' as two adjacent literals) -#}
{% macro sql_text(value) -%}
    {%- if target.type == 'spark' -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- else -%}
    '{{ value | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}

{% macro sql_text_list(values) -%}
    {{ return(adapter.dispatch('sql_text_list')(values)) }}
{%- endmacro %}

{% macro postgres__sql_text_list(values) -%}
    array[{% for value in values %}{{ sql_text(value) }}{{ ", " if not loop.last }}{% endfor %}]::text[]
{%- endmacro %}

{% macro spark__sql_text_list(values) -%}
    array({% for value in values %}{{ sql_text(value) }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro default__sql_text_list(values) -%}
    [{% for value in values %}{{ sql_text(value) }}{{ ", " if not loop.last }}{% endfor %}]
{%- endmacro %}
