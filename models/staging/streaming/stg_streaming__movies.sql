{#- The current state of every movie: for each movie_id, its latest accepted record in version
    order (batch date, then updated_at, then record number), unless that record is a
    tombstone. Computed from base_streaming__movies over all batches on every build (the vendor
    feed is small), so a replay one batch at a time and a full build end in the same state.
    Incremental by an exact merge: only rows whose version changed are written, new ids are
    inserted, and ids no longer current (deleted) are deleted. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='movie_id',
    on_schema_change='fail',
    merge_clauses=streaming_current_state_merge_clauses(),
) }}

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
