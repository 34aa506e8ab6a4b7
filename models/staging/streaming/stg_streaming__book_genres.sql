{#- One row per genre of every current book, in the order the vendor lists them (a bridge
    between books and genres: a book has zero or more genres). -#}
with

books as (
    select * from {{ ref('stg_streaming__books') }}
),

genres as (
    select
        book_id,
        {{ list_items_with_offset('genres', item='genre', offset='genre_offset') }}
    from books
),

final as (
    select
        book_id,
        cast(genre_offset + 1 as integer) as genre_position,
        genre
    from genres
)

select * from final
