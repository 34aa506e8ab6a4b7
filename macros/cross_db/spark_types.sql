{#- Spark: the contracts' and seeds' `text` / `varchar` (no length) are Spark's `string`,
    which Spark has under that name only. dbt casts through this macro (contracts' empty
    schema, seeds' and unit tests' fixtures). -#}
{% macro spark_type(type) -%}
    {%- set name = type | trim | lower -%}
    {{- return('string' if name in ('text', 'varchar') else type) -}}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}
