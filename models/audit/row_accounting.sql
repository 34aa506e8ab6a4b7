{#- Nothing lost: for every raw file of every source, rows read = accepted + duplicate +
    quarantined, and (CSV files) every physical line is a header, blank, comment line or a line
    of an accepted, duplicate or quarantined record. A source system plugs in with one
    row_accounting_for() call. -#}
{%- set streaming_entities = streaming_accounted_entities() %}

with

bank as (
    {{ row_accounting_for(
        source_name='bank',
        files=ref('stg_bank__transaction_files'),
        accepted=ref('stg_bank__transactions'),
        classified=ref('base_bank__transactions'),
        quarantined=ref('quarantine_bank__transactions'),
    ) }}
),

trades as (
    {{ row_accounting_for(
        source_name='trades',
        files=ref('stg_trades__trade_files'),
        accepted=ref('stg_trades__trades'),
        classified=ref('base_trades__trades'),
        quarantined=ref('quarantine_trades__trades'),
    ) }}
),

sales as (
    {{ row_accounting_for(
        source_name='sales',
        files=ref('stg_sales__files'),
        accepted=ref('stg_sales__order_lines'),
        classified=ref('base_sales__order_lines'),
        quarantined=ref('quarantine_sales__order_lines'),
    ) }}
),

retail as (
    {{ row_accounting_for(
        source_name='retail',
        files=ref('stg_retail__transaction_files'),
        accepted=ref('stg_retail__transactions'),
        classified=ref('base_retail__transactions'),
        quarantined=ref('quarantine_retail__transactions'),
    ) }}
),

-- streaming: one file per entity and batch; accepted = accepted records of any version (a
-- current-state model holds only the latest one per id)
{%- for entity in streaming_entities %}

streaming_{{ entity }} as (
    {{ row_accounting_for(
        source_name='streaming_' ~ entity,
        files="(select *, records_read as rows_read from "
            ~ ref('stg_streaming__files') ~ " where entity = '" ~ entity ~ "')",
        classified=ref('base_streaming__' ~ entity),
        accepted=ref('base_streaming__' ~ entity),
        accepted_where="row_status = 'accepted'",
        has_lines=entity in ['users', 'movies', 'streams'],
        quarantined=ref('quarantine_streaming__' ~ entity),
    ) }}
),
{%- endfor %}

final as (
    select * from bank
    union all
    select * from trades
    union all
    select * from sales
    union all
    select * from retail
    {%- for entity in streaming_entities %}
    union all
    select * from streaming_{{ entity }}
    {%- endfor %}
)

select * from final
