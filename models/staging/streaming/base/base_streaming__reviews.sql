{#- Every record of every reviews.json, one row each, flattened (meta.device, meta.likes),
    typed, cleaned and classified exactly once by the shared streaming rules
    (streaming_classified). A review's versions are ordered by coalesce(updated_at,
    created_at) inside a batch. A review of a movie that is unknown is kept (only streams are
    checked against movies). Raw text is kept for quarantined rows only. -#}
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
        json_records.record ->> '$.user_id' as raw_user_id,
        json_records.record ->> '$.movie_id' as raw_movie_id,
        json_records.record ->> '$.rating' as raw_rating,
        json_records.record ->> '$.text' as raw_text,
        json_records.record ->> '$.created_at' as raw_created_at,
        json_records.record ->> '$.meta.device' as raw_device,
        json_records.record ->> '$.meta.likes' as raw_likes,
        json_records.record ->> '$.updated_at' as raw_updated_at,
        json_records.record ->> '$._deleted' as raw_deleted
    from json_records
    inner join files on json_records.source_file = files.source_file
    where files.entity = 'reviews'
),

keyed as (
    select
        *,
        nullif(trim(raw_movie_id), '') as movie_id_text,
        nullif(trim(raw_rating), '') as rating_text,
        nullif(trim(raw_created_at), '') as created_at_text,
        {{ streaming_record_keys('raw_id', 'raw_updated_at', 'raw_deleted') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_positive_integer('id_text') }} as review_id,
        {{ parse_positive_integer('trim(raw_user_id)') }} as user_id,
        {{ parse_positive_integer('movie_id_text') }} as movie_id,
        -- text
        {{ clean_text('raw_text') }} as review_text,
        {{ clean_text('raw_device') }} as device,
        -- numbers
        {{ parse_integer('rating_text') }} as rating_number,
        case
            when {{ parse_integer('trim(raw_likes)') }} >= 0
                then try_cast({{ parse_integer('trim(raw_likes)') }} as integer)
        end as like_count,
        -- dates and times
        {{ parse_iso_timestamp('created_at_text', iso_timestamp_zone('created_at_text')) }}
            as created_at,
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

ranged as (
    select
        *,
        case when rating_number between 1 and 5 then cast(rating_number as integer) end as rating
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
        case when row_status = 'quarantined' then raw_record end as raw_record,
        case when row_status = 'quarantined' then raw_id end as raw_id,
        case when row_status = 'quarantined' then raw_user_id end as raw_user_id,
        case when row_status = 'quarantined' then raw_movie_id end as raw_movie_id,
        case when row_status = 'quarantined' then raw_rating end as raw_rating,
        case when row_status = 'quarantined' then raw_text end as raw_text,
        case when row_status = 'quarantined' then raw_created_at end as raw_created_at,
        case when row_status = 'quarantined' then raw_device end as raw_device,
        case when row_status = 'quarantined' then raw_likes end as raw_likes,
        case when row_status = 'quarantined' then raw_updated_at end as raw_updated_at,
        case when row_status = 'quarantined' then raw_deleted end as raw_deleted
    from classified
)

select * from final
