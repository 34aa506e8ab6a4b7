{#- The eight columns of the retail contract, in contract order. -#}
{% macro retail_columns() -%}
    {{ return([
        'transaction_id', 'transaction_ts', 'customer_id', 'product_id',
        'product_category', 'region', 'quantity', 'unit_price',
    ]) }}
{%- endmacro %}

{#- Where each retail column sits in a file, from the file's header (a list of names): the
    number of fields a data line must have (field_count) and one <column>_position per column.
    Computed once per file, so that a data line carries nine integers, not the header. -#}
{% macro retail_field_positions(header_columns) -%}
    {{ list_length(header_columns) }} as field_count,
    {%- for column in retail_columns() %}
    list_position({{ header_columns }}, {{ sql_text(column) }}) as {{ column }}_position
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The cheap first look at the data lines of a CTE (source_file, line_number, raw_line and
    the field positions): the transaction_id of every well-formed line (malformed lines are
    never deduplicated, so they are left out). Enough to find the ids that occur more than once
    without parsing and typing every field. -#}
{% macro retail_line_ids(lines_cte) %}
    with

    split as (
        select
            source_file,
            line_number,
            field_count,
            transaction_id_position,
            {{ csv_split('raw_line') }} as parsed_fields
        from {{ lines_cte }}
    ),

    ids as (
        select
            source_file,
            line_number,
            nullif(trim({{ list_item('parsed_fields', 'transaction_id_position') }}), '') as transaction_id
        from split
        where coalesce({{ list_length('parsed_fields') }} = field_count, false)
    )

    select * from ids
{% endmacro %}

{#- The retail rules' first half: the data lines of a CTE (source_file, line_number, raw_line
    and the field positions of retail_field_positions(), and the previous_* classification
    columns of base_retail__transactions) split into raw values (text) and typed values. Used by base_retail__transactions on every data line and on the few lines whose
    transaction_id occurs more than once, so that all are judged by the very same code. -#}
{% macro retail_parsed_lines(lines_cte) %}
    with

    split as (
        select
            *,
            {{ csv_split('raw_line') }} as parsed_fields
        from {{ lines_cte }}
    ),

    checked as (
        -- broken quoting or the wrong number of fields: malformed, fields not guessed at
        select
            *,
            coalesce({{ list_length('parsed_fields') }} = field_count, false) as is_well_formed
        from split
    ),

    mapped as (
        -- (the line's previous classification passes through)
        select
            source_file,
            line_number,
            raw_line,
            line_count,
            previous_row_status,
            previous_rejection_reason,
            previous_copy_number,
            is_well_formed,
            {%- for column in retail_columns() %}
            case
                when is_well_formed then {{ list_item('parsed_fields', column ~ '_position') }}
            end as {{ column }}_raw
            {{- "," if not loop.last }}
            {%- endfor %}
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
            -- dates and times: the project's ISO 8601 rule (as for trades and sales): a
            -- space or a T, optional fraction, Z or an offset converted to UTC, none = UTC
            {{ parse_iso_timestamp('trim(transaction_ts_raw)', iso_timestamp_zone('trim(transaction_ts_raw)')) }}
                as transaction_at
        from mapped
    )

    select * from typed
{% endmacro %}
