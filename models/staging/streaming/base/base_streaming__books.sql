{#- Every record of every books.json, one row each, flattened (published.year,
    published.publisher, the genres list), typed, cleaned and classified exactly once by the
    shared streaming rules (streaming_classified). stg_streaming__books, the quarantine model
    and the row accounting all read from here. Raw text is kept for quarantined rows only. -#}
{{ config(materialized='table') }}

with

json_records as (
    select * from {{ ref('base_streaming__json_records') }}
),

files as (
    select * from {{ ref('stg_streaming__files') }}
),

records as (
    select
        json_records.source_file,
        files.batch_date,
        json_records.record_number,
        json_records.is_well_formed,
        json_records.raw_record,
        -- the raw fields as text (null when absent)
        json_records.record ->> '$.id' as raw_id,
        json_records.record ->> '$.title' as raw_title,
        json_records.record ->> '$.author_id' as raw_author_id,
        json_records.record ->> '$.published.year' as raw_published_year,
        json_records.record ->> '$.published.publisher' as raw_publisher,
        json_records.record -> '$.genres' as genres_json,
        json_records.record ->> '$.isbn' as raw_isbn,
        json_records.record ->> '$.updated_at' as raw_updated_at,
        json_records.record ->> '$._deleted' as raw_deleted
    from json_records
    inner join files on json_records.source_file = files.source_file
    where files.entity = 'books'
),

keyed as (
    select
        *,
        cast(genres_json as varchar) as raw_genres,
        {{ streaming_record_keys('raw_id', 'raw_updated_at', 'raw_deleted') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_positive_integer('id_text') }} as book_id,
        {{ parse_positive_integer('trim(raw_author_id)') }} as author_id,
        -- text
        {{ clean_text('raw_title') }} as book_title,
        {{ clean_text('raw_publisher') }} as publisher,
        nullif(trim(raw_isbn), '') as isbn,
        -- each genre cleaned, empty ones left out, in order; [] when genres is not a list
        case
            when json_type(genres_json) = 'ARRAY'
                then list_filter(
                    list_transform(
                        cast(json_extract_string(genres_json, '$[*]') as varchar[]),
                        lambda genre: {{ clean_text('genre') }}
                    ),
                    lambda genre: genre is not null
                )
            else cast([] as varchar[])
        end as genres,
        -- numbers
        try_cast({{ parse_integer('trim(raw_published_year)') }} as integer)
            as published_year,
        -- dates and times
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='book_id',
        columns=['book_title', 'author_id', 'published_year', 'publisher', 'genres', 'isbn'],
    ) }}
),

final as (
    select
        -- where the record came from
        source_file,
        batch_date,
        record_number,
        -- classification
        row_status,
        rejection_reason,
        copy_number,
        is_deleted,
        is_latest_version,
        versioned_at,
        record_hash,
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
        -- raw text, kept for quarantined records only
        case when row_status = 'quarantined' then raw_record end as raw_record,
        case when row_status = 'quarantined' then raw_id end as raw_id,
        case when row_status = 'quarantined' then raw_title end as raw_title,
        case when row_status = 'quarantined' then raw_author_id end as raw_author_id,
        case when row_status = 'quarantined' then raw_published_year end as raw_published_year,
        case when row_status = 'quarantined' then raw_publisher end as raw_publisher,
        case when row_status = 'quarantined' then raw_genres end as raw_genres,
        case when row_status = 'quarantined' then raw_isbn end as raw_isbn,
        case when row_status = 'quarantined' then raw_updated_at end as raw_updated_at,
        case when row_status = 'quarantined' then raw_deleted end as raw_deleted
    from classified
)

select * from final
