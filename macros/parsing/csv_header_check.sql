{#- The header of a raw CSV file compared with the columns a source requires.
    Yields header_columns, missing_columns and extra_columns (lists of text). -#}
{% macro csv_header_columns(header_line) -%}
    {{ return(adapter.dispatch('csv_header_columns')(header_line)) }}
{%- endmacro %}

{% macro default__csv_header_columns(header_line) -%}
    list_transform({{ csv_split(header_line) }}, lambda column_name: trim(column_name))
{%- endmacro %}

{% macro csv_missing_columns(header_columns, required_columns) -%}
    {{ return(adapter.dispatch('csv_missing_columns')(header_columns, required_columns)) }}
{%- endmacro %}

{% macro default__csv_missing_columns(header_columns, required_columns) -%}
    list_filter(
        {{ sql_text_list(required_columns) }},
        lambda column_name: not coalesce(list_contains({{ header_columns }}, column_name), false)
    )
{%- endmacro %}

{% macro csv_extra_columns(header_columns, required_columns) -%}
    {{ return(adapter.dispatch('csv_extra_columns')(header_columns, required_columns)) }}
{%- endmacro %}

{% macro default__csv_extra_columns(header_columns, required_columns) -%}
    list_filter(
        {{ header_columns }},
        lambda column_name: not list_contains(
            {{ sql_text_list(required_columns) }}, column_name
        )
    )
{%- endmacro %}

{#- The field of a split line that sits under a named header column. -#}
{% macro csv_field(fields, header_columns, column_name) -%}
    {{ return(adapter.dispatch('csv_field')(fields, header_columns, column_name)) }}
{%- endmacro %}

{% macro default__csv_field(fields, header_columns, column_name) -%}
    {{ fields }}[list_position({{ header_columns }}, '{{ column_name }}')]
{%- endmacro %}

{#- PostgreSQL: the same with arrays (subqueries over unnest ... with ordinality). -#}
{% macro postgres__csv_header_columns(header_line) -%}
    array(
        select trim(column_name)
        from unnest({{ csv_split(header_line) }}) with ordinality as header (column_name, position)
        order by position
    )
{%- endmacro %}

{% macro postgres__csv_missing_columns(header_columns, required_columns) -%}
    array(
        select column_name
        from unnest({{ sql_text_list(required_columns) }}) with ordinality
            as required (column_name, position)
        where not coalesce(column_name = any({{ header_columns }}), false)
        order by position
    )
{%- endmacro %}

{% macro postgres__csv_extra_columns(header_columns, required_columns) -%}
    array(
        select column_name
        from unnest({{ header_columns }}) with ordinality as header (column_name, position)
        where not column_name = any({{ sql_text_list(required_columns) }})
        order by position
    )
{%- endmacro %}

{% macro postgres__csv_field(fields, header_columns, column_name) -%}
    {{ fields }}[array_position({{ header_columns }}, '{{ column_name }}')]
{%- endmacro %}

{#- Spark: the same with its higher-order functions (transform, filter; 1-based positions). -#}
{% macro spark__csv_header_columns(header_line) -%}
    transform({{ csv_split(header_line) }}, column_name -> trim(column_name))
{%- endmacro %}

{% macro spark__csv_missing_columns(header_columns, required_columns) -%}
    filter(
        {{ sql_text_list(required_columns) }},
        column_name -> not coalesce(array_contains({{ header_columns }}, column_name), false)
    )
{%- endmacro %}

{% macro spark__csv_extra_columns(header_columns, required_columns) -%}
    filter(
        {{ header_columns }},
        column_name -> not array_contains({{ sql_text_list(required_columns) }}, column_name)
    )
{%- endmacro %}

{% macro spark__csv_field(fields, header_columns, column_name) -%}
    get({{ fields }}, array_position({{ header_columns }}, '{{ column_name }}') - 1)
{%- endmacro %}
