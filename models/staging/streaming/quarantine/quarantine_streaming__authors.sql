with

classified as (
    select * from {{ ref('base_streaming__authors') }}
),

rejected as (
    select
        -- where the record came from and why it was rejected
        source_file,
        batch_date,
        record_number,
        line_count,
        rejection_reason,
        raw_record,
        -- its fields exactly as delivered, as text
        raw_id,
        raw_name,
        raw_nationality,
        raw_birth_date,
        raw_birth_city,
        raw_birth_country,
        raw_updated_at,
        raw_deleted,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from classified
    where row_status = 'quarantined'
)

select * from rejected
