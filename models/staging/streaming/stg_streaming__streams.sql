{#- The current streams: the doc block streaming_current_state (streaming.md, this folder). -#}
{{ streaming_current_state_config(unique_key='stream_id') }}

with

classified as (
    select * from {{ ref('base_streaming__streams') }}
),

current_versions as (
    select
        -- ids
        stream_id,
        user_id,
        movie_id,
        -- numbers
        size_mb,
        -- dates and times
        start_at,
        end_at,
        updated_at,
        -- lineage of the current version
        batch_date,
        source_file,
        record_number,
        record_hash
    from classified
    where is_latest_version and not is_deleted
)

select * from current_versions
