{#- The merge_clauses of an incremental mart kept equal to its full rebuild by an exact upsert
    (daily_sales, daily_top_products): the model selects every key, and the merge updates a
    matched row only when one of `compared_columns` changed, inserts new keys and deletes the
    target's keys the model no longer selects. The same shape as
    streaming_current_state_merge_clauses; on PostgreSQL, postgres__get_incremental_merge_sql
    gives it the same meaning. -#}
{% macro upsert_merge_clauses(compared_columns) %}
    {%- set changed = [] -%}
    {%- for column in compared_columns -%}
        {%- do changed.append(
            'DBT_INTERNAL_DEST.' ~ column ~ ' <> DBT_INTERNAL_SOURCE.' ~ column
        ) -%}
    {%- endfor -%}
    {{ return({
        'when_matched': [{
            'condition': changed | join(' or '),
            'action': 'update',
            'mode': 'by_name',
        }],
        'when_not_matched': [
            {'action': 'insert', 'mode': 'by_name'},
            {'by': 'source', 'action': 'delete'},
        ],
    }) }}
{% endmacro %}
