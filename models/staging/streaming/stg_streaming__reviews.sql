{#- The current reviews: the doc block streaming_current_state (streaming.md, this folder). -#}
{{ streaming_current_state_config(unique_key='review_id') }}

with

classified as (
    select * from {{ ref('base_streaming__reviews') }}
),

current_versions as (
    select
        -- ids
        review_id,
        user_id,
        movie_id,
        -- text
        review_text,
        device,
        -- numbers
        rating,
        like_count,
        -- dates and times
        created_at,
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
