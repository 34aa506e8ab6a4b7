{#- A list of text as DuckDB casts it to text (`[a, 'b,c', NULL]`), on every engine: what the
    record hash of a list column is made of (classify_record_hash casts each value to text). -#}
{% macro list_text(list) -%}
    {{ return(adapter.dispatch('list_text')(list)) }}
{%- endmacro %}

{% macro default__list_text(list) -%}
    cast({{ list }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__list_text(list) -%}
    analytics_functions.list_text({{ list }})
{%- endmacro %}

{#- Spark: the same text (Spark's own cast writes `[a, b,c, null]`). -#}
{% macro spark__list_text(list) -%}
    case
        when ({{ list }}) is not null
            then concat('[', array_join(transform({{ list }}, item -> case
                when item is null then 'NULL'
                when item = '' or lower(item) = 'null'
                    or regexp_like(item, {{ sql_text("[(),\"':=\\[\\]{}\\\\]") }})
                    or regexp_like(item, {{ sql_text('^\\s|\\s$') }})
                    then concat({{ sql_text("'") }}, replace(replace(item, {{ sql_text('\\') }}, {{ sql_text('\\\\') }}), {{ sql_text("'") }}, {{ sql_text("\\'") }}), {{ sql_text("'") }})
                else item
            end), ', '), ']')
    end
{%- endmacro %}

{#- The type of a list of text: DuckDB's varchar[], PostgreSQL's text[], Spark's array<string>. -#}
{% macro text_list_type() -%}
    {{ return(adapter.dispatch('text_list_type')()) }}
{%- endmacro %}

{% macro default__text_list_type() -%}
    varchar[]
{%- endmacro %}

{% macro postgres__text_list_type() -%}
    text[]
{%- endmacro %}

{% macro spark__text_list_type() -%}
    array<string>
{%- endmacro %}
