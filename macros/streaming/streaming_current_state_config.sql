{#- The configuration of a current-state model, stg_streaming__<entity>s (the doc block
    streaming_current_state, models/staging/streaming/streaming.md): incremental, merged on
    the entity's id with upsert_merge_clauses. The model selects the current version of every
    id; the merge updates a row only when its version changed (another record_hash, or the
    same content now coming from another record), inserts new ids, and deletes ids that are no
    longer current (deleted, or no longer accepted). So a build computes the whole current
    state and writes only what changed. Called once at the top of each of the six models. On
    Spark (no MERGE on plain parquet) the model is a table, rebuilt whole by every build
    (incremental_materialization). -#}
{% macro streaming_current_state_config(unique_key) %}
    {{ config(
        materialized=incremental_materialization(),
        incremental_strategy='merge',
        unique_key=unique_key,
        on_schema_change='fail',
        merge_clauses=upsert_merge_clauses(['record_hash', 'source_file', 'record_number']),
    ) }}
{% endmacro %}
