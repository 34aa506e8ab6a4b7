{#- The current users: the doc block streaming_current_state (streaming.md, this folder). -#}
{{ streaming_current_state_config(unique_key='user_id') }}

with

classified as (
    select * from {{ ref('base_streaming__users') }}
),

current_versions as (
    select
        -- ids
        user_id,
        -- text
        user_name,
        email,
        country,
        -- dates and times
        signup_date,
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
