{#- The current authors: the doc block streaming_current_state (streaming.md, this folder). -#}
{{ streaming_current_state_config(unique_key='author_id') }}

with

classified as (
    select * from {{ ref('base_streaming__authors') }}
),

current_versions as (
    select
        -- ids
        author_id,
        -- text
        author_name,
        nationality_as_written,
        nationality,
        birth_city,
        birth_country,
        -- dates and times
        birth_date,
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
