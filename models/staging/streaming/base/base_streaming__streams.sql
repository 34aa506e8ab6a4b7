{#- Every data line of every streams.csv, one row each, parsed by header name, typed and
    classified exactly once by the shared streaming rules (streaming_classified), then checked
    against the movies: an original stream whose movie_id matches no accepted movie record in
    any batch (tombstones included) is quarantined unknown_movie. This is re-evaluated on every
    build, so a movie that arrives later makes its streams accepted then. A stream of a movie
    deleted later stays accepted (it happened). Raw text is kept for quarantined rows only. -#}
with

lines as (
    select * from {{ ref('base_streaming__csv_lines') }}
),

files as (
    select * from {{ ref('stg_streaming__files') }}
    where entity = 'streams'
),

known_movies as (
    select distinct movie_id
    from {{ ref('base_streaming__movies') }}
    where row_status = 'accepted'
),

-- every data line, with its raw values as text found by header name (_deleted is optional)
records as (
    {{ streaming_csv_entity_records(
        lines='lines',
        files='files',
        columns={
            'id_raw': 'id',
            'user_id_raw': 'user_id',
            'movie_id_raw': 'movie_id',
            'start_at_raw': 'start_at',
            'end_at_raw': 'end_at',
            'size_mb_raw': 'size_mb',
            'updated_at_raw': 'updated_at',
            'deleted_raw': '_deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        nullif(trim(start_at_raw), '') as start_at_text,
        nullif(trim(end_at_raw), '') as end_at_text,
        {{ streaming_record_keys('id_raw', 'updated_at_raw', 'deleted_raw') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as stream_id,
        {{ streaming_unless_deleted(parse_integer('trim(user_id_raw)')) }} as user_id,
        {{ streaming_unless_deleted(parse_integer('trim(movie_id_raw)')) }} as movie_id,
        -- numbers
        {{ streaming_unless_deleted(parse_decimal('size_mb_raw', scale=6, rounded=true)) }}
            as size_mb,
        -- dates and times
        {{ streaming_unless_deleted(
            parse_iso_timestamp('start_at_text', iso_timestamp_zone('start_at_text'))
        ) }} as start_at,
        {{ streaming_unless_deleted(
            parse_iso_timestamp('end_at_text', iso_timestamp_zone('end_at_text'))
        ) }} as end_at,
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='stream_id',
        columns=['user_id', 'movie_id', 'start_at', 'end_at', 'size_mb'],
        rules=[
            ('missing_user_id', 'user_id is null'),
            ('missing_movie_id', 'movie_id is null'),
            ('invalid_start_at', 'start_at is null'),
            ('invalid_end_at', 'end_at is null'),
            ('end_before_start', 'end_at < start_at'),
            ('invalid_size', 'size_mb is null'),
            ('negative_size', 'size_mb < 0'),
        ],
        orphan_rules=[
            ('unknown_movie', 'movie_id not in (select known_movies.movie_id from known_movies)'),
        ],
    ) }}
),

final as (
    select
        {{ streaming_classification_columns() }},
        -- ids
        stream_id,
        user_id,
        movie_id,
        -- numbers
        size_mb,
        -- dates and times
        start_at,
        end_at,
        updated_at,
        -- raw text, kept for quarantined records only
        {{ quarantined_only([
            'raw_record',
            'id_raw',
            'user_id_raw',
            'movie_id_raw',
            'start_at_raw',
            'end_at_raw',
            'size_mb_raw',
            'updated_at_raw',
            'deleted_raw',
        ]) }}
    from classified
)

select * from final
