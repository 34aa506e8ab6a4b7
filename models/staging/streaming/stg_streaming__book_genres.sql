{#- One row per genre of every current book, in the order the vendor lists them (a bridge
    between books and genres: a book has zero or more genres). -#}
with

books as (
    select * from {{ ref('stg_streaming__books') }}
),

genres as (
    select
        book_id,
        unnest(genres) as genre,
        generate_subscripts(genres, 1) as genre_position
    from books
),

final as (
    select
        book_id,
        cast(genre_position as integer) as genre_position,
        genre
    from genres
)

select * from final
