{#- Every retail line as the classification (re)wrote it, whatever its status, with the keys
    of the marts' grains and the build that wrote it. The retail marts recompute the keys of
    the rows the current build wrote (retail_touched_keys): a row that became a conflict must
    leave the marts too, so accepted rows are not enough. -#}
with

classified as (
    select * from {{ ref('base_retail__transactions') }}
),

keyed as (
    select
        -- ids
        source_file,
        line_number,
        customer_id,
        -- text
        row_status,
        -- dates and times
        transaction_date,
        cast({{ dbt.date_trunc('month', 'transaction_date') }} as date) as transaction_month,
        -- lineage of the load
        loaded_by_invocation_id
    from classified
)

select * from keyed
