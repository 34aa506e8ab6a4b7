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
            'id_raw': 'id',
            'title_raw': 'title',
            'duration_mins_raw': 'duration_mins',
            'based_on_book_raw': 'based_on_book',
            'book_id_raw': 'book_id',
            'release_year_raw': 'release_year',
            'updated_at_raw': 'updated_at',
            'deleted_raw': '_deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        nullif(trim(duration_mins_raw), '') as duration_mins_text,
        nullif(trim(based_on_book_raw), '') as based_on_book_text,
        {{ streaming_record_keys('id_raw', 'updated_at_raw', 'deleted_raw') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as movie_id,
        {{ streaming_unless_deleted(parse_integer('trim(book_id_raw)')) }} as book_id,
        -- text
        {{ streaming_unless_deleted(clean_text('title_raw')) }} as movie_title,
        -- numbers
        {{ streaming_unless_deleted(parse_positive_integer('duration_mins_text')) }}
            as duration_mins,
        {{ streaming_unless_deleted(
            try_cast(parse_integer('trim(release_year_raw)'), 'integer')
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
            'id_raw',
            'title_raw',
            'duration_mins_raw',
            'based_on_book_raw',
            'book_id_raw',
            'release_year_raw',
            'updated_at_raw',
            'deleted_raw',
        ]) }}
    from classified
)

select * from final
