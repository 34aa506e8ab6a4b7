{#- dbt-postgres's get_columns_in_relation, with one change: an array column's type is its
    real name (`text[]`), not information_schema's `ARRAY`, which no statement accepts. dbt
    casts unit-test fixture columns to these types (`cast(null as ARRAY)` fails), and
    incremental schema checks compare them. -#}
{% macro postgres__get_columns_in_relation(relation) -%}
    {% call statement('get_columns_in_relation', fetch_result=True) %}
        select
            column_name,
            case
                when data_type = 'ARRAY' then substr(udt_name, 2) || '[]'
                else data_type
            end as data_type,
            character_maximum_length,
            numeric_precision,
            numeric_scale
        from {{ relation.information_schema('columns') }}
        where table_name = '{{ relation.identifier }}'
            {% if relation.schema %}
                and table_schema = '{{ relation.schema }}'
            {% endif %}
        order by ordinal_position
    {% endcall %}
    {% set table = load_result('get_columns_in_relation').table %}
    {{ return(sql_convert_columns_in_relation(table)) }}
{%- endmacro %}
