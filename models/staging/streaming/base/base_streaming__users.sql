{#- Every data line of every users.csv, one row each, parsed by header name, typed, cleaned and
    classified exactly once by the shared streaming rules (streaming_classified).
    stg_streaming__users, the quarantine model and the row accounting all read from here. Raw
    text is kept for quarantined rows only. -#}
with

lines as (
    select * from {{ ref('base_streaming__csv_lines') }}
),

files as (
    select * from {{ ref('stg_streaming__files') }}
    where entity = 'users'
),

-- every data line, with its raw values as text found by header name (_deleted is optional)
records as (
    {{ streaming_csv_entity_records(
        lines='lines',
        files='files',
        columns={
            'raw_id': 'id',
            'raw_name': 'name',
            'raw_email': 'email',
            'raw_country': 'country',
            'raw_signup_date': 'signup_date',
            'raw_updated_at': 'updated_at',
            'raw_deleted': '_deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        {{ streaming_record_keys('raw_id', 'raw_updated_at', 'raw_deleted') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as user_id,
        -- text
        {{ streaming_unless_deleted(clean_text('raw_name')) }} as user_name,
        {{ streaming_unless_deleted("nullif(lower(trim(raw_email)), '')") }} as email,
        {{ streaming_unless_deleted(clean_text('raw_country')) }} as country,
        -- dates and times
        {{ streaming_unless_deleted(parse_iso_date('trim(raw_signup_date)')) }} as signup_date,
        {{ parse_iso_timestamp('updated_at_text', iso_timestamp_zone('updated_at_text')) }}
            as updated_at
    from keyed
),

classified as (
    {{ streaming_classified(
        typed='typed',
        id_column='user_id',
        columns=['user_name', 'email', 'country', 'signup_date'],
    ) }}
),

final as (
    select
        {{ streaming_classification_columns() }},
        -- ids
        user_id,
        -- text
        user_name,
        email,
        country,
        -- dates and times
        signup_date,
        updated_at,
        -- raw text, kept for quarantined records only
        {{ quarantined_only([
            'raw_record',
            'raw_id',
            'raw_name',
            'raw_email',
            'raw_country',
            'raw_signup_date',
            'raw_updated_at',
            'raw_deleted',
        ]) }}
    from classified
)

select * from final
