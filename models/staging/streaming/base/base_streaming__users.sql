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
            'id_raw': 'id',
            'name_raw': 'name',
            'email_raw': 'email',
            'country_raw': 'country',
            'signup_date_raw': 'signup_date',
            'updated_at_raw': 'updated_at',
            'deleted_raw': '_deleted',
        },
    ) }}
),

keyed as (
    select
        *,
        {{ streaming_record_keys('id_raw', 'updated_at_raw', 'deleted_raw') }}
    from records
),

typed as (
    select
        *,
        -- ids
        {{ parse_integer('id_text') }} as user_id,
        -- text
        {{ streaming_unless_deleted(clean_text('name_raw')) }} as user_name,
        {{ streaming_unless_deleted("nullif(lower(trim(email_raw)), '')") }} as email,
        {{ streaming_unless_deleted(clean_text('country_raw')) }} as country,
        -- dates and times
        {{ streaming_unless_deleted(parse_iso_date('trim(signup_date_raw)')) }} as signup_date,
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
            'id_raw',
            'name_raw',
            'email_raw',
            'country_raw',
            'signup_date_raw',
            'updated_at_raw',
            'deleted_raw',
        ]) }}
    from classified
)

select * from final
