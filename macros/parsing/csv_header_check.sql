{#- The header of a raw CSV file compared with the columns a source requires.
    Yields header_columns, missing_columns and extra_columns (lists of text). -#}
{% macro csv_header_columns(header_line) -%}
    list_transform({{ csv_split(header_line) }}, lambda column_name: trim(column_name))
{%- endmacro %}

{% macro csv_missing_columns(header_columns, required_columns) -%}
    list_filter(
        {{ sql_text_list(required_columns) }},
        lambda column_name: not coalesce(list_contains({{ header_columns }}, column_name), false)
    )
{%- endmacro %}

{% macro csv_extra_columns(header_columns, required_columns) -%}
    list_filter(
        {{ header_columns }},
        lambda column_name: not list_contains(
            {{ sql_text_list(required_columns) }}, column_name
        )
    )
{%- endmacro %}

{#- The field of a split line that sits under a named header column. -#}
{% macro csv_field(fields, header_columns, column_name) -%}
    {{ fields }}[list_position({{ header_columns }}, '{{ column_name }}')]
{%- endmacro %}
