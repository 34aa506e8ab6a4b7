{#- The configuration of a current-state model, stg_streaming__<entity>s (the doc block
    streaming_current_state, models/staging/streaming/streaming.md): incremental, merged on
    the entity's id with streaming_current_state_merge_clauses, so that a build computes the
    whole current state and writes only what changed. Called once at the top of each of the
    six models, which then select the current version of every id. -#}
{% macro streaming_current_state_config(unique_key) %}
    {{ config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=unique_key,
        on_schema_change='fail',
        merge_clauses=streaming_current_state_merge_clauses(),
    ) }}
{% endmacro %}
