{#- Every data line of every sales file, parsed by header name, typed, and classified exactly
    once as accepted, duplicate or quarantined. The single place where the sales rules live:
    stg_sales__order_lines, the quarantine model and the row accounting all read from here.

    The rules are the doc block sales_rules (models/staging/sales/sales.md); all the classifying,
    the revenue outliers included (late columns and a late rule), is done by
    classified_records. The raw text is kept only for quarantined rows. -#}
{%- set k = checked_var('sales_outlier_iqr_k', 'positive_number', 1.5) %}
{%- set min_lines = checked_var('sales_outlier_min_lines', 'positive_integer', 4) %}
{%- set same_day = 'over (partition by passes_rules, product_id, sales_date)' %}
{%- set spread = 'cast(' ~ k ~ ' as decimal(9, 4)) * (revenue_q3 - revenue_q1)' %}

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
            when
                {{ strip_chars(strip_chars('quantity_text', "'+-'", 'leading'), "'0123456789'") }}
                = ''
                then {{ try_cast('quantity_text', 'integer') }}
        end as quantity,
        {{ parse_decimal('unit_price_raw') }} as unit_price,
        -- dates and times
        -- the same ISO 8601 rule as trades (the contract says "as for trades")
        {{ parse_iso_timestamp('ordered_at_text', iso_timestamp_zone('ordered_at_text')) }}
            as ordered_at
    from trimmed
),

typed as (
    select
        *,
        cast(ordered_at as date) as sales_date,
        cast(cast(quantity as decimal(38, 0)) * unit_price as decimal(38, 2)) as revenue
    from parsed
),

-- last, revenue_outlier: the IQR rule per (product, sales date) over that day's valid
-- original lines of every channel (a new day never changes an old day's outliers). Groups of
-- fewer than {{ min_lines }} lines have no meaningful IQR: their lines are never outliers.
-- The quartiles are taken on decimal(38, 10): a revenue has at most 6 decimals and the
-- interpolation adds at most 2, so quantile_cont (which keeps its input's scale) is exact;
-- Spark's percentile() is double precision, cast back to the same decimal(38, 10).
classified as (
    {{ classified_records(
        records='typed',
        checks=[('malformed_row', 'not is_well_formed')],
        duplicate_key=['channel', 'order_id', 'product_id'],
        null_keys_are_distinct=true,
        order_by=['file_date', 'source_file', 'line_number'],
        rules=[
            ('missing_order_id', 'order_id is null'),
            ('missing_product_id', 'product_id is null'),
            ('missing_timestamp', 'ordered_at_text is null'),
            ('invalid_timestamp', 'ordered_at is null'),
            ('invalid_quantity', 'quantity is null'),
            ('non_positive_quantity', 'quantity <= 0'),
            ('invalid_unit_price', 'unit_price is null'),
            ('negative_unit_price', 'unit_price < 0'),
        ],
        late_columns=[
            ('outlier_group_lines', 'case when passes_rules then count(*) ' ~ same_day ~ ' end'),
            ('revenue_q1', 'case when passes_rules then cast('
                ~ continuous_quantile('cast(revenue as decimal(38, 10))', 0.25) ~ ' ' ~ same_day
                ~ ' as decimal(38, 10)) end'),
            ('revenue_q3', 'case when passes_rules then cast('
                ~ continuous_quantile('cast(revenue as decimal(38, 10))', 0.75) ~ ' ' ~ same_day
                ~ ' as decimal(38, 10)) end'),
            ('outlier_lower_bound', 'case when outlier_group_lines >= ' ~ min_lines
                ~ ' then revenue_q1 - ' ~ spread ~ ' end'),
            ('outlier_upper_bound', 'case when outlier_group_lines >= ' ~ min_lines
                ~ ' then revenue_q3 + ' ~ spread ~ ' end'),
        ],
        late_rules=[
            ('revenue_outlier',
                'revenue < outlier_lower_bound or revenue > outlier_upper_bound'),
        ],
        only_repeated_keys=true,
    ) }}
),

final as (
    select
        -- where the line came from
        source_file,
        line_number,
        line_count,
        -- classification
        row_status,
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
        {{ quarantined_only([
            'raw_line',
            'order_id_raw',
            'ordered_at_raw',
            'product_id_raw',
            'quantity_raw',
            'unit_price_raw',
        ]) }}
    from classified
)

select * from final
