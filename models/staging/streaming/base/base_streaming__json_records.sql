{#- Every record of every JSON entity file of every batch (authors, books, reviews), one row
    each, read by the shared json_records macro: arrays and NDJSON, record numbers, a
    byte-order mark and CRLF endings ignored, malformed records kept with their raw text. An
    array file that is not valid JSON as a whole stops the build, naming the file. A table, so
    that the files are read (and checked) once per build. -#}
with

json_files as (
    select * from {{ source('streaming', 'streaming_json_files') }}
),

records as (
    {{ json_records(files='json_files', file_label='streaming') }}
),

final as (
    select
        {{ relative_source_file('filename') }} as source_file,
        replace(parse_filename(filename), '.json', '') as entity,
        file_format,
        record_number,
        is_well_formed,
        raw_record,
        record
    from records
)

select * from final
