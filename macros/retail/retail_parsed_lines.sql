{#- The retail rules' first half: the data lines of a CTE (source_file, line_number, raw_line,
    header_columns) split by header name into raw values (text) and typed values. Used by
    base_retail__transactions twice: on the lines of new files, and on already-loaded lines
    whose transaction_id reappears (so both are judged by the very same code). -#}
{% macro retail_parsed_lines(lines_cte) %}
    with

    split as (
        select
            source_file,
            line_number,
            raw_line,
            header_columns,
            {{ csv_split('raw_line') }} as parsed_fields
        from {{ lines_cte }}
    ),

    checked as (
        -- broken quoting or the wrong number of fields: malformed, fields not guessed at
        select
            source_file,
            line_number,
            raw_line,
            header_columns,
            coalesce(len(parsed_fields) = len(header_columns), false) as is_well_formed,
            case when len(parsed_fields) = len(header_columns) then parsed_fields end as fields
        from split
    ),

    mapped as (
        select
            source_file,
            line_number,
            raw_line,
            is_well_formed,
            {{ csv_field('fields', 'header_columns', 'transaction_id') }} as transaction_id_raw,
            {{ csv_field('fields', 'header_columns', 'transaction_ts') }} as transaction_ts_raw,
            {{ csv_field('fields', 'header_columns', 'customer_id') }} as customer_id_raw,
            {{ csv_field('fields', 'header_columns', 'product_id') }} as product_id_raw,
            {{ csv_field('fields', 'header_columns', 'product_category') }}
                as product_category_raw,
            {{ csv_field('fields', 'header_columns', 'region') }} as region_raw,
            {{ csv_field('fields', 'header_columns', 'quantity') }} as quantity_raw,
            {{ csv_field('fields', 'header_columns', 'unit_price') }} as unit_price_raw
        from checked
    ),

    typed as (
        select
            *,
            -- ids
            nullif(trim(transaction_id_raw), '') as transaction_id,
            nullif(trim(customer_id_raw), '') as customer_id,
            nullif(trim(product_id_raw), '') as product_id,
            -- text
            coalesce(nullif(lower(trim(product_category_raw)), ''), 'unknown') as product_category,
            coalesce(nullif(lower(trim(region_raw)), ''), 'unknown') as region,
            -- numbers
            case
                when regexp_full_match(trim(quantity_raw), '[+-]?[0-9]{1,9}')
                    then cast(trim(quantity_raw) as integer)
            end as quantity,
            {{ parse_decimal('unit_price_raw') }} as unit_price,
            -- dates and times: ISO 8601 date and time, with a space or a T, read as UTC
            try_cast(trim(transaction_ts_raw) as timestamp) as transaction_at
        from mapped
    )

    select * from typed
{% endmacro %}
