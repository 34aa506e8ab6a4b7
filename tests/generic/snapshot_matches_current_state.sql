{#- A snapshot of a current-state model is in step with it: its open rows that are not
    deletions are exactly the model's rows (same id, same record_hash), and an id the model no
    longer has is open only as a deletion. Fails on every difference.

    The model is found through the graph, not ref(): the snapshot already depends on it (so it
    is built first), and the test's only parent stays the snapshot, so selecting the model
    alone (as the marts' builds do) does not select this test. -#}
{% test snapshot_matches_current_state(model, current_state, unique_key) %}

{%- set node = graph.get('nodes', {}).get('model.' ~ project_name ~ '.' ~ current_state) %}
{%- if node %}
    {%- set current_relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias
    ) %}
{%- else %}
    {%- set current_relation = current_state %}
{%- endif %}

with

open_versions as (
    select
        {{ unique_key }} as id,
        record_hash
    from {{ model }}
    where dbt_valid_to is null and dbt_is_deleted = 'False'
),

current_versions as (
    select
        {{ unique_key }} as id,
        record_hash
    from {{ current_relation }}
),

only_in_snapshot as (
    select * from open_versions
    except
    select * from current_versions
),

only_in_current_state as (
    select * from current_versions
    except
    select * from open_versions
),

final as (
    select
        'open in the snapshot, not current' as difference,
        *
    from only_in_snapshot
    union all
    select
        'current, not open in the snapshot' as difference,
        *
    from only_in_current_state
)

select * from final

{% endtest %}
