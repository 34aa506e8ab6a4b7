{#- Schemas are used by their plain names (staging, quarantine, marts, audit), not prefixed
    with the target schema as dbt does by default. Models without a schema land in the
    target schema (main). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
