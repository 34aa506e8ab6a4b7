{#- Schemas are used by their plain names (staging, quarantine, marts, audit), not prefixed
    with the target schema as dbt does by default. Models without a schema land in the
    target schema (main).

    ANALYTICS_SCHEMA_PREFIX (empty unless set) is put in front of every schema: the publishing
    build on PostgreSQL (analytics-postgres build) builds into build_<schema> and then renames
    those schemas over the published ones in one transaction. The raw sources' schemas carry
    the same prefix (their YAML), and so does the run history's audit schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = schema_prefix() -%}
    {%- if custom_schema_name is none -%}
        {{ prefix }}{{ target.schema }}
    {%- else -%}
        {{ prefix }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#- The schema prefix from ANALYTICS_SCHEMA_PREFIX: lower-case letters, digits and `_` only. -#}
{% macro schema_prefix() -%}
    {%- set prefix = env_var('ANALYTICS_SCHEMA_PREFIX', '') -%}
    {%- if not modules.re.fullmatch('[a-z0-9_]*', prefix) -%}
        {{ exceptions.raise_compiler_error(
            'ANALYTICS_SCHEMA_PREFIX=' ~ prefix ~ ': only lower-case letters, digits and _'
        ) }}
    {%- endif -%}
    {{- prefix -}}
{%- endmacro %}
