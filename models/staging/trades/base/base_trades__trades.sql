{#- Every data line of every trades file, parsed, typed and classified exactly once as
    accepted, duplicate or quarantined. stg_trades__trades, the quarantine model and the row
    accounting all read from here, so a line can be neither counted twice nor lost between
    them. The raw text is kept only for quarantined rows, which keeps this table lean. -#}
{{ config(materialized='table') }}

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

typed as materialized (
    select
        *,
        {{ parse_iso_timestamp('timestamp_text', 'timestamp_zone') }} as traded_at,
        -- only rows whose seven raw values repeat can be duplicates: this hash finds them
        -- cheaply (a collision only sends a few more rows through the exact check below)
        case when is_well_formed then hash({{ raw_columns | join(', ') }}) end as row_hash
    from parsed
),

repeated_hashes as (
    select row_hash
    from typed
    where is_well_formed
    group by row_hash
    having count(*) > 1
),

suspects as (
    -- exact duplicates: the same raw values in all seven columns; the first line (in file,
    -- then line order) is the original
    select
        typed.*,
        row_number() over (
            partition by {{ raw_columns | join(', ') }}
            order by typed.source_file, typed.line_number
        ) as copy_number
    from typed
    semi join repeated_hashes on typed.row_hash = repeated_hashes.row_hash
),

copies as (
    select * from suspects

    union all

    select
        typed.*,
        case when typed.is_well_formed then 1 end as copy_number
    from typed
    anti join repeated_hashes on typed.row_hash = repeated_hashes.row_hash
    where typed.is_well_formed

    union all

    select
        typed.*,
        null as copy_number
    from typed
    where not typed.is_well_formed
),

classified as (
    select
        *,
        case
            when copy_number > 1 then null
            when not is_well_formed then 'malformed_row'
            when traded_at is null then 'invalid_timestamp'
            when user_id_text = '' then 'missing_user_id'
            when user_id is null then 'invalid_user_id'
            when client_type is null then 'invalid_client_type'
            when symbol is null then 'invalid_symbol'
            when side is null then 'invalid_side'
            when quantity is null or quantity <= 0 then 'invalid_quantity'
            when price is null or price <= 0 then 'invalid_price'
        end as rejection_reason
    from copies
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
        cast(date_trunc('week', traded_at) as date) as week_start_date,
        -- raw text, kept for quarantined rows only
        case when rejection_reason is not null then raw_line end as raw_line,
        case when rejection_reason is not null then timestamp_raw end as timestamp_raw,
        case when rejection_reason is not null then user_id_raw end as user_id_raw,
        case when rejection_reason is not null then client_type_raw end as client_type_raw,
        case when rejection_reason is not null then symbol_raw end as symbol_raw,
        case when rejection_reason is not null then side_raw end as side_raw,
        case when rejection_reason is not null then quantity_raw end as quantity_raw,
        case when rejection_reason is not null then price_raw end as price_raw
    from classified
)

select * from final
