{#- Every record of every books.json, one row each, flattened (published.year,
    published.publisher, the genres list), typed, cleaned and classified exactly once by the
    shared streaming rules (streaming_classified). stg_streaming__books, the quarantine model
    and the row accounting all read from here. Raw text is kept for quarantined rows only. -#}
with

json_records as (
    select * from {{ ref('base_streaming__json_records') }}
),

files as (
    select * from {{ ref('stg_streaming__files') }}
),

-- every record of the entity's files, with its raw fields as text (null when absent)
records as (
    {{ streaming_json_entity_records(
        json_records='json_records',
        files='files',
        entity='books',
        fields={
            'id_raw': '$.id',
            'title_raw': '$.title',
            'author_id_raw': '$.author_id',
            'published_year_raw': '$.published.year',
            'publisher_raw': '$.published.publisher',
            'genres_raw': '$.genres',
            'isbn_raw': '$.isbn',
            'updated_at_raw': '$.updated_at',
            'deleted_raw': '$._deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        {{ json_extract_value('record', '$.genres') }} as genres_json,
        {{ streaming_record_keys('id_raw', 'updated_at_raw', 'deleted_raw') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as book_id,
        {{ streaming_unless_deleted(parse_integer('trim(author_id_raw)')) }} as author_id,
        -- text
        {{ streaming_unless_deleted(clean_text('title_raw')) }} as book_title,
        {{ streaming_unless_deleted(clean_text('publisher_raw')) }} as publisher,
        {{ streaming_unless_deleted("nullif(trim(isbn_raw), '')") }} as isbn,
        -- each genre cleaned, empty ones left out, in order; null when genres is not a list
        {{ streaming_unless_deleted(json_cleaned_text_list('genres_json')) }} as genres,
        -- numbers
        {{ streaming_unless_deleted(
            try_cast(parse_integer('trim(published_year_raw)'), 'integer')
        ) }} as published_year,
        -- dates and times
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='book_id',
        columns=[
            'book_title', 'author_id', 'published_year', 'publisher', list_text('genres'), 'isbn',
        ],
    ) }}
),

final as (
    select
        {{ streaming_classification_columns() }},
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
        {{ quarantined_only([
            'raw_record',
            'id_raw',
            'title_raw',
            'author_id_raw',
            'published_year_raw',
            'publisher_raw',
            'genres_raw',
            'isbn_raw',
            'updated_at_raw',
            'deleted_raw',
        ]) }}
    from classified
)

select * from final
