{#- Seed 003, question 2: the number of users potentially affected by a system outage.
    dbt compile --select users_affected_by_outage
        --vars '{outage_start: "2024-01-31 20:00:00", outage_end: "2024-01-31 22:00:00"}'
    (or dbt show --select ... with the same vars; or the macro: dbt run-operation
    streaming_users_affected_by_outage --args '{outage_start: ..., outage_end: ...}').
    A user is affected when one of their current streams was running at some moment of the
    outage, both ends included: it started before the outage ended and ended after it began.
    The seed's query has the comparison reversed (start_at <= outage start and end_at >= outage
    end), which counts only the streams that covered the whole outage. -#}
{%- set outage = streaming_outage_window(var('outage_start', none), var('outage_end', none)) -%}
with

streams as (
    select * from {{ ref('stg_streaming__streams') }}
),

final as (
    select count(distinct user_id) as affected_users
    from streams
    where
        start_at <= {{ outage[1] }}
        and end_at >= {{ outage[0] }}
)

select * from final
