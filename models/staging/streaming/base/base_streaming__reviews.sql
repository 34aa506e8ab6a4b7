{#- Every record of every reviews.json, one row each, flattened (meta.device, meta.likes),
    typed, cleaned and classified exactly once by the shared streaming rules
    (streaming_classified). A review's versions are ordered by coalesce(updated_at,
    created_at) inside a batch. A review of a movie that is unknown is kept (only streams are
    checked against movies). Raw text is kept for quarantined rows only. -#}
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
        entity='reviews',
        fields={
            'id_raw': '$.id',
            'user_id_raw': '$.user_id',
            'movie_id_raw': '$.movie_id',
            'rating_raw': '$.rating',
            'text_raw': '$.text',
            'created_at_raw': '$.created_at',
            'device_raw': '$.meta.device',
            'likes_raw': '$.meta.likes',
            'updated_at_raw': '$.updated_at',
            'deleted_raw': '$._deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        nullif(trim(movie_id_raw), '') as movie_id_text,
        nullif(trim(rating_raw), '') as rating_text,
        nullif(trim(created_at_raw), '') as created_at_text,
        {{ streaming_record_keys('id_raw', 'updated_at_raw', 'deleted_raw') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as review_id,
        {{ streaming_unless_deleted(parse_integer('trim(user_id_raw)')) }} as user_id,
        {{ streaming_unless_deleted(parse_integer('movie_id_text')) }} as movie_id,
        -- text
        {{ streaming_unless_deleted(clean_text('text_raw')) }} as review_text,
        {{ streaming_unless_deleted(clean_text('device_raw')) }} as device,
        -- numbers
        {{ try_cast(parse_integer('rating_text'), 'integer') }} as rating_number,
        {{ streaming_unless_deleted(try_cast(parse_integer('trim(likes_raw)'), 'integer')) }}
            as like_count,
        -- dates and times
        {{ streaming_unless_deleted(
            parse_iso_timestamp('created_at_text', iso_timestamp_zone('created_at_text'))
        ) }} as created_at,
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

ranged as (
    select
        *,
        {{ streaming_unless_deleted(
            'case when rating_number between 1 and 5 then cast(rating_number as integer) end'
        ) }} as rating
    from typed
),

classified as (
    {{ streaming_classified(
        typed='ranged',
        id_column='review_id',
        columns=[
            'user_id', 'movie_id', 'rating', 'review_text', 'device', 'like_count', 'created_at',
        ],
        rules=[
            ('missing_movie_id', 'movie_id is null'),
            ('invalid_rating', 'rating_number is null'),
            ('rating_out_of_range', 'rating is null'),
            ('invalid_created_at', 'created_at_text is not null and created_at is null'),
        ],
        versioned_at='coalesce(updated_at, created_at)',
    ) }}
),

final as (
    select
        {{ streaming_classification_columns() }},
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
        -- raw text, kept for quarantined records only
        {{ quarantined_only([
            'raw_record',
            'id_raw',
            'user_id_raw',
            'movie_id_raw',
            'rating_raw',
            'text_raw',
            'created_at_raw',
            'device_raw',
            'likes_raw',
            'updated_at_raw',
            'deleted_raw',
        ]) }}
    from classified
)

select * from final
