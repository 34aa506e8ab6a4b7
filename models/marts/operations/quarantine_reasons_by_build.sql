{#- Per build, source system and rejection reason: how many rows were quarantined. -#}
with

reasons as (
    select * from {{ ref('quarantine_reason_history') }}
),

final as (
    select
        invocation_id,
        built_at,
        source_name,
        rejection_reason,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined
    from reasons
    group by invocation_id, built_at, source_name, rejection_reason
)

select * from final
