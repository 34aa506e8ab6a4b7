{#- Every record of every authors.json, one row each, flattened (birth.date,
    birth.place.city, birth.place.country), typed, cleaned and classified exactly once by the
    shared streaming rules (streaming_classified). stg_streaming__authors, the quarantine model
    and the row accounting all read from here. Raw text is kept for quarantined rows only. -#}
with

json_records as (
    select * from {{ ref('base_streaming__json_records') }}
),

files as (
    select * from {{ ref('stg_streaming__files') }}
),

nationality_spellings as (
    select * from {{ ref('streaming_nationality_spellings') }}
),

-- every record of the entity's files, with its raw fields as text (null when absent)
records as (
    {{ streaming_json_entity_records(
        json_records='json_records',
        files='files',
        entity='authors',
        fields={
            'id_raw': '$.id',
            'name_raw': '$.name',
            'nationality_raw': '$.nationality',
            'birth_date_raw': '$.birth.date',
            'birth_city_raw': '$.birth.place.city',
            'birth_country_raw': '$.birth.place.country',
            'updated_at_raw': '$.updated_at',
            'deleted_raw': '$._deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        {{ streaming_record_keys('id_raw', 'updated_at_raw', 'deleted_raw') }}
    from records
),

parsed as (
    select
        keyed.*,
        -- ids
        {{ parse_integer('id_text') }} as author_id,
        -- text
        {{ streaming_unless_deleted(clean_text('name_raw')) }} as author_name,
        {{ streaming_unless_deleted(clean_text('nationality_raw')) }} as nationality_as_written,
        {{ streaming_unless_deleted(clean_text('birth_city_raw')) }} as birth_city,
        {{ streaming_unless_deleted(clean_text('birth_country_raw')) }} as birth_country,
        -- dates and times
        {{ streaming_unless_deleted(parse_iso_date('trim(birth_date_raw)')) }} as birth_date,
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

typed as (
    select
        parsed.*,
        {{ streaming_unless_deleted('nationality_spellings.nationality') }} as nationality
    from parsed
    left join nationality_spellings
        on lower(parsed.nationality_as_written) = nationality_spellings.spelling
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='author_id',
        columns=[
            'author_name', 'nationality_as_written', 'nationality', 'birth_date', 'birth_city',
            'birth_country',
        ],
    ) }}
),

final as (
    select
        {{ streaming_classification_columns() }},
        -- ids
        author_id,
        -- text
        author_name,
        nationality_as_written,
        nationality,
        birth_city,
        birth_country,
        -- dates and times
        birth_date,
        updated_at,
        -- raw text, kept for quarantined records only
        {{ quarantined_only([
            'raw_record',
            'id_raw',
            'name_raw',
            'nationality_raw',
            'birth_date_raw',
            'birth_city_raw',
            'birth_country_raw',
            'updated_at_raw',
            'deleted_raw',
        ]) }}
    from classified
)

select * from final
