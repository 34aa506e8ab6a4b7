{#- Rejected retail rows with their values as delivered. The raw values are split again from
    the stored raw line here (quarantined rows are few), which keeps the base model lean. -#}
with

classified as (
    select * from {{ ref('base_retail__transactions') }}
),

files as (
    select * from {{ ref('stg_retail__transaction_files') }}
),

rejected as (
    select
        classified.source_file,
        classified.line_number,
        classified.line_count,
        classified.rejection_reason,
        classified.raw_line,
        files.header_columns,
        {{ csv_split('classified.raw_line') }} as parsed_fields
    from classified
    inner join files on classified.source_file = files.source_file
    where classified.row_status = 'quarantined'
),

fields as (
    select
        *,
        case
            when {{ list_length('parsed_fields') }} = {{ list_length('header_columns') }}
                then parsed_fields
        end as fields
    from rejected
),

final as (
    select
        -- where the row came from and why it was rejected
        source_file,
        line_number,
        line_count,
        rejection_reason,
        raw_line,
        -- its values exactly as delivered, as text (null for a malformed row)
        {{ csv_field('fields', 'header_columns', 'transaction_id') }} as transaction_id,
        {{ csv_field('fields', 'header_columns', 'transaction_ts') }} as transaction_ts,
        {{ csv_field('fields', 'header_columns', 'customer_id') }} as customer_id,
        {{ csv_field('fields', 'header_columns', 'product_id') }} as product_id,
        {{ csv_field('fields', 'header_columns', 'product_category') }} as product_category,
        {{ csv_field('fields', 'header_columns', 'region') }} as region,
        {{ csv_field('fields', 'header_columns', 'quantity') }} as quantity,
        {{ csv_field('fields', 'header_columns', 'unit_price') }} as unit_price,
        cast('{{ run_started_at }}' as timestamp) as quarantined_at
    from fields
)

select * from final
