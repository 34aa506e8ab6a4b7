{#- Every data line of every trades file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined. stg_trades__trades, the quarantine model and the row
    accounting all read from here, so a line can be neither counted twice nor lost between
    them. The raw text is kept only for quarantined rows, which keeps this table lean.

    Classified by classified_records; the rules are the doc block trades_rules
    (models/staging/trades/trades.md). -#}
{%- set raw_columns = [
    'timestamp_raw', 'user_id_raw', 'client_type_raw', 'symbol_raw', 'side_raw',
    'quantity_raw', 'price_raw',
] %}

with

lines as (
    select * from {{ ref('base_trades__trade_lines') }}
),

files as (
    select * from {{ ref('stg_trades__trade_files') }}
),

-- every data line, with its raw values as text found by header name
mapped as (
    {{ csv_records(
        lines='lines',
        files='files',
        columns={
            'timestamp_raw': 'timestamp',
            'user_id_raw': 'user_id',
            'client_type_raw': 'client_type',
            'symbol_raw': 'symbol',
            'side_raw': 'side',
            'quantity_raw': 'quantity',
            'price_raw': 'price',
        },
    ) }}
),

trimmed as (
    select
        *,
        trim(timestamp_raw) as timestamp_text,
        trim(user_id_raw) as user_id_text,
        lower(trim(client_type_raw)) as client_type_text,
        upper(trim(symbol_raw)) as symbol_text,
        lower(trim(side_raw)) as side_text,
        trim(quantity_raw) as quantity_text,
        trim(price_raw) as price_text
    from mapped
),

parsed as (
    select
        *,
        -- ids: digits only (no sign), at most 18 of them
        case
            when
                user_id_text <> ''
                and length(user_id_text) <= 18
                and translate(user_id_text, '0123456789', '') = ''
                then cast(user_id_text as bigint)
        end as user_id,
        -- text
        case
            when client_type_text in ('bronze', 'silver', 'gold') then client_type_text
        end as client_type,
        case
            -- a ticker: 1 to 12 letters, digits, dots and dashes (BRK.B, BTC-USD)
            when
                symbol_text <> ''
                and length(symbol_text) <= 12
                and translate(symbol_text, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-', '') = ''
                then symbol_text
        end as symbol,
        case when side_text in ('buy', 'sell') then side_text end as side,
        -- numbers
        {{ parse_unsigned_decimal('quantity_text') }} as quantity,
        {{ parse_unsigned_decimal('price_text') }} as price,
        -- dates and times
        {{ iso_timestamp_zone('timestamp_text') }} as timestamp_zone
    from trimmed
),

typed as (
    select
        *,
        {{ parse_iso_timestamp('timestamp_text', 'timestamp_zone') }} as traded_at
    from parsed
),

classified as (
    {{ classified_records(
        records='typed',
        checks=[('malformed_row', 'not is_well_formed')],
        hash_columns=[
            ['traded_at', 'timestamp_raw'],
            ['user_id', 'user_id_raw'],
            ['client_type', 'client_type_raw'],
            ['symbol', 'symbol_raw'],
            ['side', 'side_raw'],
            ['quantity', 'quantity_raw'],
            ['price', 'price_raw'],
        ],
        rules=[
            ('invalid_timestamp', 'traded_at is null'),
            ('missing_user_id', "user_id_text = ''"),
            ('invalid_user_id', 'user_id is null'),
            ('invalid_client_type', 'client_type is null'),
            ('invalid_symbol', 'symbol is null'),
            ('invalid_side', 'side is null'),
            ('invalid_quantity', 'quantity is null or quantity <= 0'),
            ('invalid_price', 'price is null or price <= 0'),
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
        user_id,
        -- text
        client_type,
        symbol,
        side,
        -- numbers
        quantity,
        price,
        -- PnL as the seed signs it: a buy pays out (negative), a sell brings in (positive)
        case side
            when 'buy' then -1
            when 'sell' then 1
        end * cast(quantity as decimal(38, 6)) * price as pnl,
        -- dates and times
        traded_at,
        cast(date_trunc('week', traded_at) as date) as trade_week,
        -- raw text, kept for quarantined rows only
        {{ quarantined_only(['raw_line'] + raw_columns) }}
    from classified
)

select * from final
