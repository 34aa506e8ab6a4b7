{#- The merge_clauses of an incremental model kept equal to its full rebuild by an exact
    upsert: the sales marts daily_sales and daily_top_products, and the streaming current-state
    models (streaming_current_state_config). The model selects every key; the merge updates a
    matched row only when one of `compared_columns` changed, inserts new keys and deletes the
    target's keys the model no longer selects. On PostgreSQL,
    postgres__get_incremental_merge_sql gives it the same meaning. -#}
{% macro upsert_merge_clauses(compared_columns) %}
    {%- set changed = [] -%}
    {%- for column in compared_columns -%}
        {%- do changed.append(
            'DBT_INTERNAL_DEST.' ~ column ~ ' <> DBT_INTERNAL_SOURCE.' ~ column
        ) -%}
    {%- endfor -%}
    {{ return({
        'when_matched': [{
            'condition': '(' ~ changed | join(' or ') ~ ')',
            'action': 'update',
            'mode': 'by_name',
        }],
        'when_not_matched': [
            {'action': 'insert', 'mode': 'by_name'},
            {'by': 'source', 'action': 'delete'},
        ],
    }) }}
{% endmacro %}
