{#- dbt-spark's get_column_comment_sql (the column list of a view with persist_docs), with one
    change: the comment is cut to the Hive metastore's 256 characters. A longer one does not fit
    the catalog's COLUMNS_V2.COMMENT column, and Spark then spends about 20 s failing to store
    the view in the Hive format before it falls back to its own: measured per view, whatever
    the data. The full text stays in the dbt docs; the catalog keeps its start. -#}
{% macro get_column_comment_sql(column_name, column_dict) -%}
    {%- set description = column_dict[column_name]['description'] if column_name in column_dict else none -%}
    {%- if description -%}
        {%- if description | length > 256 -%}
            {%- set description = description[:253] ~ '...' -%}
        {%- endif -%}
        {{ adapter.quote(column_name) }} comment '{{ description | replace("'", "\\'") }}'
    {%- else -%}
        {{ adapter.quote(column_name) }}
    {%- endif -%}
{%- endmacro %}
