{#- The data quality figures the seed lists, computed from the warehouse's own tables (never
    from log lines): one row per metric, and for the per-column metrics one row per raw column.
    Whole-row metrics have column_name '*'. -#}
{%- set raw_columns = {
    'timestamp': ['invalid_timestamp'],
    'user_id': ['missing_user_id', 'invalid_user_id'],
    'client_type': ['invalid_client_type'],
    'symbol': ['invalid_symbol'],
    'side': ['invalid_side'],
    'quantity': ['invalid_quantity'],
    'price': ['invalid_price'],
} %}
{%- set quarantine_columns = {
    'timestamp': 'trade_timestamp', 'user_id': 'user_id', 'client_type': 'client_type',
    'symbol': 'symbol', 'side': 'side', 'quantity': 'quantity', 'price': 'price',
} %}

with

accounting as (
    select * from {{ ref('row_accounting') }}
    where source_name = 'trades'
),

quarantined as (
    select * from {{ ref('quarantine_trades__trades') }}
),

weekly as (
    select * from {{ ref('weekly_trades') }}
),

row_totals as (
    select
        coalesce(sum(rows_read), 0) as raw_rows,
        coalesce(sum(rows_accepted), 0) as cleaned_rows,
        coalesce(sum(rows_duplicate), 0) as duplicate_rows,
        coalesce(sum(rows_quarantined), 0) as filtered_rows
    from accounting
),

quarantine_totals as (
    select
        count(case when rejection_reason = 'malformed_row' then 1 end) as malformed_rows
        {%- for column, reasons in raw_columns.items() %},
        count(
            case when trim({{ quarantine_columns[column] }}) = '' then 1 end
        ) as missing__{{ column }},
        count(
            case when rejection_reason in ('{{ reasons | join("', '") }}') then 1 end
        ) as invalid__{{ column }}
        {%- endfor %}
    from quarantined
),

aggregated as (
    select count(*) as aggregated_rows from weekly
),

metrics as (
    select 'raw_rows' as metric_name, '*' as column_name, raw_rows as metric_value
    from row_totals
    union all
    select 'cleaned_rows', '*', cleaned_rows from row_totals
    union all
    select 'duplicate_rows', '*', duplicate_rows from row_totals
    union all
    select 'filtered_rows', '*', filtered_rows from row_totals
    union all
    select 'malformed_rows', '*', malformed_rows from quarantine_totals
    union all
    select 'aggregated_rows', '*', aggregated_rows from aggregated
    {%- for column in raw_columns %}
    union all
    select 'missing_values', '{{ column }}', missing__{{ column }} from quarantine_totals
    union all
    select 'invalid_values', '{{ column }}', invalid__{{ column }} from quarantine_totals
    {%- endfor %}
),

final as (
    select
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(metric_value as {{ dbt.type_bigint() }}) as metric_value
    from metrics
)

select * from final
