{#- Per build and source system: rows read, accepted, duplicate and quarantined, so a jump in
    rejects is one query away. -#}
with

accounting as (
    select * from {{ ref('row_accounting_history') }}
),

by_build as (
    select
        invocation_id,
        built_at,
        source_name,
        count(*) as files,
        sum(rows_read) as rows_read,
        sum(rows_accepted) as rows_accepted,
        sum(rows_duplicate) as rows_duplicate,
        sum(rows_quarantined) as rows_quarantined
    from accounting
    group by invocation_id, built_at, source_name
),

final as (
    select
        invocation_id,
        built_at,
        source_name,
        cast(files as bigint) as files,
        cast(rows_read as bigint) as rows_read,
        cast(rows_accepted as bigint) as rows_accepted,
        cast(rows_duplicate as bigint) as rows_duplicate,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(
            case when rows_read > 0 then 1.0 * rows_quarantined / rows_read end
            as decimal(9, 6)
        ) as quarantined_share
    from by_build
)

select * from final
