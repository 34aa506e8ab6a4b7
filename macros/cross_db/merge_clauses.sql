{#- The incremental `merge` on PostgreSQL with the same meaning as dbt-duckdb's
    `merge_clauses`, which dbt-postgres ignores (it would update every matched row and never
    delete). The models use one shape (daily_sales, daily_top_products, the streaming
    current-state models):

        when_matched:     [{condition, action: update, mode: by_name}]
        when_not_matched: [{action: insert, mode: by_name}, {by: source, action: delete}]

    PostgreSQL 15's MERGE has no `when not matched by source`, so the delete of target rows
    whose key the model no longer selects is a second statement. Both run in the model's
    transaction. A model without merge_clauses gets dbt-postgres's own merge. -#}
{% macro postgres__get_incremental_merge_sql(arg_dict) %}
    {%- set clauses = config.get('merge_clauses') -%}
    {%- if not clauses -%}
        {{ return(default__get_incremental_merge_sql(arg_dict)) }}
    {%- endif -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | list -%}
    {%- set matched = clauses.get('when_matched', []) -%}
    {%- set not_matched = clauses.get('when_not_matched', []) -%}
    {%- for clause in matched + not_matched -%}
        {%- if clause.get('action') not in ('update', 'insert', 'delete')
            or clause.get('mode', 'by_name') != 'by_name' -%}
            {{ exceptions.raise_compiler_error(
                'merge_clauses: this PostgreSQL merge supports update / insert by name and '
                ~ 'delete by source, not ' ~ clause) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set key_match -%}
        {%- for key in keys %}DBT_INTERNAL_SOURCE.{{ key }} = DBT_INTERNAL_DEST.{{ key }}
        {{- " and " if not loop.last }}{% endfor -%}
    {%- endset %}
    merge into {{ target }} as DBT_INTERNAL_DEST
    using {{ source }} as DBT_INTERNAL_SOURCE
    on {{ key_match }}
    {%- for clause in matched %}
    when matched{% if clause.get('condition') %} and ({{ clause['condition'] }}){% endif %} then
        {%- if clause['action'] == 'update' %}
        update set
            {%- for column in columns %}
            {{ column }} = DBT_INTERNAL_SOURCE.{{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        {%- else %}
        delete
        {%- endif %}
    {%- endfor %}
    {%- for clause in not_matched if clause.get('by', 'target') == 'target' %}
    when not matched then
        insert ({{ columns | join(', ') }})
        values (
            {%- for column in columns %}DBT_INTERNAL_SOURCE.{{ column }}{{ ", " if not loop.last }}{% endfor -%}
        )
    {%- endfor %};
    {%- for clause in not_matched if clause.get('by') == 'source' %}

    delete from {{ target }} as DBT_INTERNAL_DEST
    where not exists (
        select 1 from {{ source }} as DBT_INTERNAL_SOURCE where {{ key_match }}
    )
    {%- endfor %}
{% endmacro %}
