{#- Every data line of every sales file, parsed by header name, typed, and classified exactly
    once as accepted, duplicate or quarantined. The single place where the sales rules live:
    stg_sales__order_lines, the quarantine model and the row accounting all read from here.

    Order of the rules: a malformed line is quarantined and never deduplicated; otherwise the
    first line of each (channel, order_id, product_id) in (file date, file, line) order is the
    original and later lines with the same key are duplicates, whatever their content; an
    original is then quarantined for the first rule it breaks; finally, among the originals
    that passed every other rule, revenue outliers by the IQR rule per (product, sales date)
    are quarantined. The raw text is kept only for quarantined rows. -#}
{{ config(materialized='table') }}

{%- set k = checked_var('sales_outlier_iqr_k', 'positive_number', 1.5) %}
{%- set min_lines = checked_var('sales_outlier_min_lines', 'positive_integer', 4) %}

with

lines as (
    select * from {{ ref('base_sales__lines') }}
),

files as (
    select * from {{ ref('stg_sales__files') }}
),

-- every data line (comments left out), with its raw values as text found by header name
mapped as (
    {{ csv_records(
        lines='lines',
        files='files',
        columns={
            'order_id_raw': 'order_id',
            'ordered_at_raw': 'timestamp',
            'product_id_raw': 'product_id',
            'quantity_raw': 'quantity',
            'unit_price_raw': 'unit_price',
        },
        file_columns=['channel', 'file_date'],
        skip_comments=true,
    ) }}
),

trimmed as (
    select
        *,
        nullif(trim(order_id_raw), '') as order_id,
        nullif(trim(product_id_raw), '') as product_id,
        nullif(trim(ordered_at_raw), '') as ordered_at_text,
        nullif(trim(quantity_raw), '') as quantity_text
    from mapped
),

parsed as (
    select
        *,
        -- numbers: quantity is an integer written with digits only (an optional sign, so
        -- that -3 is a non-positive quantity rather than unparseable); a cheap character
        -- check instead of a regular expression, as try_cast alone also takes 1.5, 1e2, 0x10
        case
            when trim(ltrim(quantity_text, '+-'), '0123456789') = ''
                then try_cast(quantity_text as integer)
        end as quantity,
        {{ parse_decimal('unit_price_raw') }} as unit_price,
        -- dates and times
        -- the same ISO 8601 rule as trades (the contract says "as for trades")
        {{ parse_iso_timestamp('ordered_at_text', iso_timestamp_zone('ordered_at_text')) }}
            as ordered_at
    from trimmed
),

typed as materialized (
    select
        *,
        cast(ordered_at as date) as sales_date,
        cast(cast(quantity as decimal(38, 0)) * unit_price as decimal(38, 2)) as revenue
    from parsed
),

repeated_keys as (
    -- only rows whose key occurs more than once can be duplicates: the window below runs on
    -- those rows alone instead of on every row
    select
        channel,
        order_id,
        product_id
    from typed
    where is_well_formed and order_id is not null and product_id is not null
    group by channel, order_id, product_id
    having count(*) > 1
),

copies as (
    select
        typed.*,
        row_number() over (
            partition by typed.channel, typed.order_id, typed.product_id
            order by typed.file_date, typed.source_file, typed.line_number
        ) as copy_number
    from typed
    semi join repeated_keys
        on
            typed.channel = repeated_keys.channel
            and typed.order_id = repeated_keys.order_id
            and typed.product_id = repeated_keys.product_id
    where typed.is_well_formed

    union all

    select
        typed.*,
        case when typed.is_well_formed then 1 end as copy_number
    from typed
    anti join repeated_keys
        on
            typed.channel = repeated_keys.channel
            and typed.order_id = repeated_keys.order_id
            and typed.product_id = repeated_keys.product_id
    where typed.is_well_formed

    union all

    select
        typed.*,
        null as copy_number
    from typed
    where not typed.is_well_formed
),

validated as materialized (
    select
        *,
        case
            when copy_number > 1 then null
            when not is_well_formed then 'malformed_row'
            when order_id is null then 'missing_order_id'
            when product_id is null then 'missing_product_id'
            when ordered_at_text is null then 'missing_timestamp'
            when ordered_at is null then 'invalid_timestamp'
            when quantity is null then 'invalid_quantity'
            when quantity <= 0 then 'non_positive_quantity'
            when unit_price is null then 'invalid_unit_price'
            when unit_price < 0 then 'negative_unit_price'
        end as rule_rejection_reason
    from copies
),

outlier_bounds as (
    -- the IQR rule per (product, sales date) over that day's valid original lines of every
    -- channel: a new day never changes an old day's outliers. Groups of fewer than
    -- {{ min_lines }} lines have no meaningful IQR: their lines are never outliers.
    -- quantile_cont on decimal(38, 6) is exact (interpolation adds at most 4 decimals).
    select
        product_id,
        sales_date,
        count(*) as line_count,
        quantile_cont(cast(revenue as decimal(38, 6)), 0.25) as revenue_q1,
        quantile_cont(cast(revenue as decimal(38, 6)), 0.75) as revenue_q3
    from validated
    where copy_number = 1 and rule_rejection_reason is null
    group by product_id, sales_date
    having count(*) >= {{ min_lines }}
),

bounded as (
    select
        validated.*,
        outlier_bounds.revenue_q1
        - cast({{ k }} as decimal(9, 4)) * (outlier_bounds.revenue_q3 - outlier_bounds.revenue_q1)
            as outlier_lower_bound,
        outlier_bounds.revenue_q3
        + cast({{ k }} as decimal(9, 4)) * (outlier_bounds.revenue_q3 - outlier_bounds.revenue_q1)
            as outlier_upper_bound
    from validated
    left join outlier_bounds
        on
            validated.product_id = outlier_bounds.product_id
            and validated.sales_date = outlier_bounds.sales_date
            and validated.copy_number = 1
            and validated.rule_rejection_reason is null
),

classified as (
    select
        *,
        case
            when rule_rejection_reason is not null then rule_rejection_reason
            when revenue < outlier_lower_bound or revenue > outlier_upper_bound
                then 'revenue_outlier'
        end as rejection_reason
    from bounded
),

final as (
    select
        -- where the line came from
        source_file,
        line_number,
        line_count,
        -- classification
        case
            when copy_number > 1 then 'duplicate'
            when rejection_reason is not null then 'quarantined'
            else 'accepted'
        end as row_status,
        rejection_reason,
        copy_number,
        -- ids
        order_id,
        product_id,
        -- text
        channel,
        -- numbers
        quantity,
        unit_price,
        revenue,
        outlier_lower_bound,
        outlier_upper_bound,
        -- dates and times
        ordered_at,
        sales_date,
        file_date,
        -- raw text, kept for quarantined rows only
        case when rejection_reason is not null then raw_line end as raw_line,
        case when rejection_reason is not null then order_id_raw end as order_id_raw,
        case when rejection_reason is not null then ordered_at_raw end as ordered_at_raw,
        case when rejection_reason is not null then product_id_raw end as product_id_raw,
        case when rejection_reason is not null then quantity_raw end as quantity_raw,
        case when rejection_reason is not null then unit_price_raw end as unit_price_raw
    from classified
)

select * from final
