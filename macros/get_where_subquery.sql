{#- dbt's get_where_subquery (the `where` config of a data test), with two placeholders that
    the YAML cannot express, because dbt renders test configs when it parses the project:
    __this_build__ becomes the running build's invocation id, and __this_relation__ the tested
    relation. An incremental model's tests can then check only the rows this build wrote
    (`loaded_by_invocation_id = __this_build__`), or every row sharing a key with them; a full
    build writes every row, so it still tests them all. Without a `where`, dbt's behaviour. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where
            | replace('__this_build__', sql_text(invocation_id))
            | replace('__this_relation__', relation | string) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
