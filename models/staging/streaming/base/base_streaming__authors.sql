{#- Every record of every authors.json, one row each, flattened (birth.date,
    birth.place.city, birth.place.country), typed, cleaned and classified exactly once by the
    shared streaming rules (streaming_classified). stg_streaming__authors, the quarantine model
    and the row accounting all read from here. Raw text is kept for quarantined rows only. -#}
{{ config(materialized='table') }}

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

records as (
    select
        json_records.source_file,
        files.batch_date,
        json_records.record_number,
        json_records.is_well_formed,
        json_records.raw_record,
        -- the raw fields as text (null when absent)
        json_records.record ->> '$.id' as raw_id,
        json_records.record ->> '$.name' as raw_name,
        json_records.record ->> '$.nationality' as raw_nationality,
        json_records.record ->> '$.birth.date' as raw_birth_date,
        json_records.record ->> '$.birth.place.city' as raw_birth_city,
        json_records.record ->> '$.birth.place.country' as raw_birth_country,
        json_records.record ->> '$.updated_at' as raw_updated_at,
        json_records.record ->> '$._deleted' as raw_deleted
    from json_records
    inner join files on json_records.source_file = files.source_file
    where files.entity = 'authors'
),

keyed as (
    select
        *,
        {{ streaming_record_keys('raw_id', 'raw_updated_at', 'raw_deleted') }}
    from records
),

parsed as (
    select
        keyed.*,
        -- ids
        {{ parse_positive_integer('id_text') }} as author_id,
        -- text
        {{ clean_text('raw_name') }} as author_name,
        {{ clean_text('raw_nationality') }} as nationality_raw,
        {{ clean_text('raw_birth_city') }} as birth_city,
        {{ clean_text('raw_birth_country') }} as birth_country,
        -- dates and times
        {{ parse_iso_date('trim(raw_birth_date)') }} as birth_date,
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

typed as (
    select
        parsed.*,
        nationality_spellings.nationality
    from parsed
    left join nationality_spellings
        on lower(parsed.nationality_raw) = nationality_spellings.spelling
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='author_id',
        columns=[
            'author_name', 'nationality_raw', 'nationality', 'birth_date', 'birth_city',
            'birth_country',
        ],
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
        author_id,
        -- text
        author_name,
        nationality_raw,
        nationality,
        birth_city,
        birth_country,
        -- dates and times
        birth_date,
        updated_at,
        -- raw text, kept for quarantined records only
        case when row_status = 'quarantined' then raw_record end as raw_record,
        case when row_status = 'quarantined' then raw_id end as raw_id,
        case when row_status = 'quarantined' then raw_name end as raw_name,
        case when row_status = 'quarantined' then raw_nationality end as raw_nationality,
        case when row_status = 'quarantined' then raw_birth_date end as raw_birth_date,
        case when row_status = 'quarantined' then raw_birth_city end as raw_birth_city,
        case when row_status = 'quarantined' then raw_birth_country end as raw_birth_country,
        case when row_status = 'quarantined' then raw_updated_at end as raw_updated_at,
        case when row_status = 'quarantined' then raw_deleted end as raw_deleted
    from classified
)

select * from final
