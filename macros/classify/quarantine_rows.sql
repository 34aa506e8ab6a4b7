{#- The quarantine model of a base model (a query), the same shape for every source: one row
    per quarantined record, with where it came from, why it was rejected and its text exactly
    as delivered. Every quarantine_<source>__<entity>s model is one call of this macro.

    Columns, in this order:
      source_file       the raw file
      <file_columns>    what the source knows of the file (streaming's batch_date, sales'
                        channel)
      record_number     the record's place in its file: the physical line it starts on for a
                        CSV file (the header is line 1), the array position or NDJSON line for
                        a JSON file
      line_count        the physical lines the record spans (null for a JSON record)
      rejection_reason  the first rule the record broke
      raw_record        the whole record exactly as delivered
      <field>_raw       each field exactly as delivered, as text (null for a malformed record)
      quarantined_at    when the build started

    The raw values are the base model's <field>_raw columns, or, with split_by_header (for a
    base model that keeps only the raw record, as retail's does), split again from the raw
    record and found by the file's header: quarantined records are few, so the base model
    stays lean. Portable SQL (csv_split, csv_field and list_length are dispatched).

    base_model       the base model (ref) holding row_status and the provenance columns
    fields           the fields, in order: <field>_raw each (the header's name with
                     split_by_header)
    file_columns     columns of the file to keep after source_file
    record_number    the base model's column of the record's place (CSV: line_number)
    raw_record       the base model's column of the record's text (CSV: raw_line)
    split_by_header  the file inventory (ref) with source_file and header_columns, to split
                     the raw values from the raw record; none when the base model has them -#}
{% macro quarantine_rows(
    base_model, fields, file_columns=[], record_number='line_number', raw_record='raw_line',
    split_by_header=none
) %}
    with

    classified as (
        select * from {{ base_model }}
        where row_status = 'quarantined'
    ),

    {%- if split_by_header is none %}

    raw_values as (
        select * from classified
    ),

    {%- else %}

    files as (
        select * from {{ split_by_header }}
    ),

    split as (
        select
            classified.*,
            files.header_columns,
            {{ csv_split('classified.' ~ raw_record) }} as parsed_fields
        from classified
        inner join files on classified.source_file = files.source_file
    ),

    raw_values as (
        -- a record with the wrong number of fields is malformed: its fields are not guessed
        select
            *,
            {%- for field in fields %}
            {{ csv_field('header_fields', 'header_columns', field) }} as {{ field }}_raw
            {{- "," if not loop.last }}
            {%- endfor %}
        from (
            select
                *,
                case
                    when {{ list_length('parsed_fields') }} = {{ list_length('header_columns') }}
                        then parsed_fields
                end as header_fields
            from split
        ) as checked
    ),

    {%- endif %}

    final as (
        select
            -- where the record came from and why it was rejected
            source_file,
            {%- for column in file_columns %}
            {{ column }},
            {%- endfor %}
            {{ record_number }} as record_number,
            line_count,
            rejection_reason,
            {{ raw_record }} as raw_record,
            -- its fields exactly as delivered, as text
            {%- for field in fields %}
            {{ field }}_raw,
            {%- endfor %}
            cast('{{ run_started_at }}' as timestamp) as quarantined_at
        from raw_values
    )

    select * from final
{% endmacro %}
