{#- The current books: the doc block streaming_current_state (streaming.md, this folder). -#}
{{ streaming_current_state_config(unique_key='book_id') }}

with

classified as (
    select * from {{ ref('base_streaming__books') }}
),

current_versions as (
    select
        -- ids
        book_id,
        author_id,
        -- text
        book_title,
        publisher,
        genres,
        isbn,
        -- numbers
        published_year,
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
