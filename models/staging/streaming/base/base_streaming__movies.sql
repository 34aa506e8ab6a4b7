{#- Every data line of every movies.csv, one row each, parsed by header name, typed, cleaned
    and classified exactly once by the shared streaming rules (streaming_classified). Accepted
    movie records (in any batch, tombstones included) are the movies a stream may refer to.
    Raw text is kept for quarantined rows only. -#}
with

lines as (
    select * from {{ ref('base_streaming__csv_lines') }}
),

files as (
    select * from {{ ref('stg_streaming__files') }}
    where entity = 'movies'
),

-- every data line, with its raw values as text found by header name (_deleted is optional)
records as (
    {{ streaming_csv_entity_records(
        lines='lines',
        files='files',
        columns={
            'raw_id': 'id',
            'raw_title': 'title',
            'raw_duration_mins': 'duration_mins',
            'raw_based_on_book': 'based_on_book',
            'raw_book_id': 'book_id',
            'raw_release_year': 'release_year',
            'raw_updated_at': 'updated_at',
            'raw_deleted': '_deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        nullif(trim(raw_duration_mins), '') as duration_mins_text,
        nullif(trim(raw_based_on_book), '') as based_on_book_text,
        {{ streaming_record_keys('raw_id', 'raw_updated_at', 'raw_deleted') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as movie_id,
        {{ streaming_unless_deleted(parse_integer('trim(raw_book_id)')) }} as book_id,
        -- text
        {{ streaming_unless_deleted(clean_text('raw_title')) }} as movie_title,
        -- numbers
        {{ streaming_unless_deleted(parse_positive_integer('duration_mins_text')) }}
            as duration_mins,
        {{ streaming_unless_deleted(
            try_cast(parse_integer('trim(raw_release_year)'), 'integer')
        ) }} as release_year,
        -- flags
        {{ streaming_unless_deleted(parse_boolean_text('based_on_book_text')) }}
            as is_based_on_book,
        -- dates and times
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='movie_id',
        columns=['movie_title', 'duration_mins', 'is_based_on_book', 'book_id', 'release_year'],
        rules=[
            ('invalid_duration', 'duration_mins_text is not null and duration_mins is null'),
            (
                'invalid_based_on_book',
                'based_on_book_text is not null and is_based_on_book is null',
            ),
        ],
    ) }}
),

final as (
    select
        {{ streaming_classification_columns() }},
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
        -- raw text, kept for quarantined records only
        {{ quarantined_only([
            'raw_record',
            'raw_id',
            'raw_title',
            'raw_duration_mins',
            'raw_based_on_book',
            'raw_book_id',
            'raw_release_year',
            'raw_updated_at',
            'raw_deleted',
        ]) }}
    from classified
)

select * from final
