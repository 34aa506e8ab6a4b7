-- The data quality mart tells the same story as the accounting: raw rows = cleaned +
-- duplicate + filtered, and the per-column invalid values plus malformed rows are the
-- filtered rows (each quarantined row has exactly one reason).
with

metrics as (
    select * from {{ ref('trades_data_quality') }}
),

totals as (
    select
        sum(case when metric_name = 'raw_rows' then metric_value else 0 end) as raw_rows,
        sum(case when metric_name = 'cleaned_rows' then metric_value else 0 end) as cleaned_rows,
        sum(
            case when metric_name = 'duplicate_rows' then metric_value else 0 end
        ) as duplicate_rows,
        sum(
            case when metric_name = 'filtered_rows' then metric_value else 0 end
        ) as filtered_rows,
        sum(
            case
                when metric_name in ('malformed_rows', 'invalid_values') then metric_value else 0
            end
        ) as rows_with_a_reason
    from metrics
)

select *
from totals
where
    raw_rows <> cleaned_rows + duplicate_rows + filtered_rows
    or filtered_rows <> rows_with_a_reason
