{#- Quarantined rows per source, file and reason for every build, appended build after build.
    A source system plugs in with one CTE over its quarantine model(s).
    full_refresh=false: a --full-refresh rebuilds the warehouse but keeps this history. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with

bank as (
    select
        'bank' as source_name,
        source_file,
        rejection_reason,
        count(*) as rows_quarantined
    from {{ ref('quarantine_bank__transactions') }}
    group by source_file, rejection_reason
),

trades as (
    select
        'trades' as source_name,
        source_file,
        rejection_reason,
        count(*) as rows_quarantined
    from {{ ref('quarantine_trades__trades') }}
    group by source_file, rejection_reason
),

sales as (
    select
        'sales' as source_name,
        source_file,
        rejection_reason,
        count(*) as rows_quarantined
    from {{ ref('quarantine_sales__order_lines') }}
    group by source_file, rejection_reason
),

retail as (
    select
        'retail' as source_name,
        source_file,
        rejection_reason,
        count(*) as rows_quarantined
    from {{ ref('quarantine_retail__transactions') }}
    group by source_file, rejection_reason
),

{%- for entity in streaming_accounted_entities() %}

streaming_{{ entity }} as (
    select
        'streaming_{{ entity }}' as source_name,
        source_file,
        rejection_reason,
        count(*) as rows_quarantined
    from {{ ref('quarantine_streaming__' ~ entity) }}
    group by source_file, rejection_reason
),
{%- endfor %}

all_sources as (
    select * from bank
    union all
    select * from trades
    union all
    select * from sales
    union all
    select * from retail
    {%- for entity in streaming_accounted_entities() %}
    union all
    select * from streaming_{{ entity }}
    {%- endfor %}
),

this_build as (
    select
        {{ sql_text(invocation_id) }} as invocation_id,
        cast({{ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp)
            as built_at,
        source_name,
        source_file,
        rejection_reason,
        rows_quarantined
    from all_sources
)

select * from this_build
