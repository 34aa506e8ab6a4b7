{#- The data quality figures the seed lists, computed from the warehouse's own tables (never
    from log lines): one row per metric, and for the per-column metrics one row per raw column.
    Whole-row metrics have column_name '*'. -#}
{%- set raw_columns = [
    'timestamp', 'user_id', 'client_type', 'symbol', 'side', 'quantity', 'price',
] %}

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
        count(case when rejection_reason = 'malformed_row' then 1 end) as malformed_rows,
        count(case when trim(timestamp_raw) = '' then 1 end) as missing__timestamp,
        count(case when rejection_reason = 'invalid_timestamp' then 1 end) as invalid__timestamp,
        count(case when trim(user_id_raw) = '' then 1 end) as missing__user_id,
        count(
            case when rejection_reason in ('missing_user_id', 'invalid_user_id') then 1 end
        ) as invalid__user_id,
        count(case when trim(client_type_raw) = '' then 1 end) as missing__client_type,
        count(
            case when rejection_reason = 'invalid_client_type' then 1 end
        ) as invalid__client_type,
        count(case when trim(symbol_raw) = '' then 1 end) as missing__symbol,
        count(case when rejection_reason = 'invalid_symbol' then 1 end) as invalid__symbol,
        count(case when trim(side_raw) = '' then 1 end) as missing__side,
        count(case when rejection_reason = 'invalid_side' then 1 end) as invalid__side,
        count(case when trim(quantity_raw) = '' then 1 end) as missing__quantity,
        count(case when rejection_reason = 'invalid_quantity' then 1 end) as invalid__quantity,
        count(case when trim(price_raw) = '' then 1 end) as missing__price,
        count(case when rejection_reason = 'invalid_price' then 1 end) as invalid__price
    from quarantined
),

aggregated as (
    select count(*) as aggregated_rows from weekly
),

metrics as (
    {%- for metric, source_relation in [
        ('raw_rows', 'row_totals'), ('cleaned_rows', 'row_totals'),
        ('duplicate_rows', 'row_totals'), ('filtered_rows', 'row_totals'),
        ('malformed_rows', 'quarantine_totals'), ('aggregated_rows', 'aggregated'),
    ] %}
    select
        '{{ metric }}' as metric_name,
        '*' as column_name,
        {{ metric }} as metric_value
    from {{ source_relation }}
    union all
    {%- endfor %}
    {%- for column in raw_columns %}
    select
        'missing_values' as metric_name,
        '{{ column }}' as column_name,
        missing__{{ column }} as metric_value
    from quarantine_totals
    union all
    select
        'invalid_values' as metric_name,
        '{{ column }}' as column_name,
        invalid__{{ column }} as metric_value
    from quarantine_totals
    {{- '\n    union all' if not loop.last }}
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
