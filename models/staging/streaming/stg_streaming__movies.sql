{#- The current movies: the doc block streaming_current_state (streaming.md, this folder). -#}
{{ streaming_current_state_config(unique_key='movie_id') }}

with

classified as (
    select * from {{ ref('base_streaming__movies') }}
),

current_versions as (
    select
        -- ids
        movie_id,
        book_id,
        -- text
        movie_title,
        -- numbers
        duration_mins,
        release_year,
        -- flags
        is_based_on_book,
        -- dates and times
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
