{#- The row accounting of every build, appended build after build: data quality over time.
    full_refresh=false: a --full-refresh rebuilds the warehouse but keeps this history. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with

accounting as (
    select * from {{ ref('row_accounting') }}
),

this_build as (
    select
        {{ sql_text(invocation_id) }} as invocation_id,
        cast({{ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp)
            as built_at,
        source_name,
        source_file,
        rows_read,
        rows_accepted,
        rows_duplicate,
        rows_quarantined,
        physical_lines,
        header_lines,
        blank_lines,
        comment_lines,
        lines_accepted,
        lines_duplicate,
        lines_quarantined
    from accounting
)

select * from this_build
