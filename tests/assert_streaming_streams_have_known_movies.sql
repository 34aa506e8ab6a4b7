-- The orphan rule, both ways: every accepted stream (not a deletion) has an accepted movie
-- record in some batch, and every stream quarantined unknown_movie has none.
with

streams as (
    select * from {{ ref('base_streaming__streams') }}
),

known_movies as (
    select distinct movie_id
    from {{ ref('base_streaming__movies') }}
    where row_status = 'accepted'
),

checked as (
    select
        streams.source_file,
        streams.record_number,
        streams.stream_id,
        streams.movie_id,
        streams.row_status,
        streams.rejection_reason,
        known_movies.movie_id is not null as has_known_movie
    from streams
    left join known_movies on streams.movie_id = known_movies.movie_id
    where
        (streams.row_status = 'accepted' and not streams.is_deleted)
        or streams.rejection_reason = 'unknown_movie'
),

final as (
    select *
    from checked
    where has_known_movie = (rejection_reason = 'unknown_movie')
)

select * from final
