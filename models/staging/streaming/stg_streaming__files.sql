{#- One row per entity file of every streaming batch: its batch date (the folder's name), its
    entity, its format and the records it holds (records_read, the number the row accounting
    starts from). A folder holding an entity file whose name is not a real date (YYYY-MM-DD)
    stops the build with an error naming it; a CSV file lacking a required column stops it
    naming the file. Files with other names than the six entities' are not read nor listed
    (a folder holding only such files is not a batch). -#}
{%- set csv_required_columns = {
    'users': ['id', 'name', 'email', 'country', 'signup_date', 'updated_at'],
    'movies': [
        'id', 'title', 'duration_mins', 'based_on_book', 'book_id', 'release_year', 'updated_at',
    ],
    'streams': ['id', 'user_id', 'movie_id', 'start_at', 'end_at', 'size_mb', 'updated_at'],
} %}

with

json_files as (
    select * from {{ source('streaming', 'streaming_json_files') }}
),

json_records as (
    select * from {{ ref('base_streaming__json_records') }}
),

csv_files as (
    select * from {{ source('streaming', 'streaming_csv_files') }}
),

csv_lines as (
    select * from {{ ref('base_streaming__csv_lines') }}
),

json_counts as (
    select
        source_file,
        count(*) as records_read
    from json_records
    group by source_file
),

json_inventory as (
    select
        json_files.filename as file_path,
        {{ relative_source_file('json_files.filename') }} as source_file,
        {{ json_file_format('json_files.content') }} as file_format,
        cast(null as {{ dbt.type_string() }}) as header_line,
        cast(null as {{ text_list_type() }}) as header_columns,
        cast(null as {{ text_list_type() }}) as missing_columns,
        cast(null as {{ text_list_type() }}) as extra_columns,
        null::bigint as first_scan_position,
        null::bigint as header_scan_position,
        null::bigint as header_line_number,
        null::bigint as physical_lines,
        null::bigint as header_lines,
        null::bigint as blank_lines,
        null::bigint as comment_lines,
        coalesce(json_counts.records_read, 0) as records_read,
        case when coalesce(json_counts.records_read, 0) = 0 then 'empty' else 'loaded' end
            as file_status
    from json_files
    left join json_counts
        on {{ relative_source_file('json_files.filename') }} = json_counts.source_file
),

{%- for entity, required_columns in csv_required_columns.items() %}

{{ entity }}_csv_files as (
    select file
    from csv_files
    where parse_filename(file) = '{{ entity }}.csv'
),

{{ entity }}_csv_inventory as (
    {{ raw_csv_file_inventory(
        files_source=entity ~ '_csv_files',
        lines='csv_lines',
        required_columns=required_columns,
        source_label='streaming',
    ) }}
),
{%- endfor %}

csv_inventory as (
    {%- for entity in csv_required_columns %}
    select
        file_path,
        source_file,
        'csv' as file_format,
        header_line,
        header_columns,
        missing_columns,
        extra_columns,
        first_scan_position,
        header_scan_position,
        header_line_number,
        physical_lines,
        header_lines,
        blank_lines,
        comment_lines,
        rows_read as records_read,
        file_status
    from {{ entity }}_csv_inventory
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

all_files as (
    select * from json_inventory
    union all
    select * from csv_inventory
),

dated as (
    select
        *,
        split_part(source_file, '/', 2) as batch_folder,
        case
            when regexp_full_match(split_part(source_file, '/', 2), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
                then {{ try_cast("split_part(source_file, '/', 2)", 'date') }}
        end as batch_date
    from all_files
),

final as (
    select
        file_path,
        source_file,
        batch_date,
        replace(replace(parse_filename(file_path), '.json', ''), '.csv', '') as entity,
        file_format,
        header_line,
        header_columns,
        missing_columns,
        extra_columns,
        first_scan_position,
        header_scan_position,
        header_line_number,
        physical_lines,
        header_lines,
        blank_lines,
        comment_lines,
        records_read,
        file_status
    from dated
    -- a batch folder must be named after a real date: the build stops, naming it
    where
        case
            when batch_date is null
                then error(
                    'streaming batch folder streaming/' || batch_folder
                    || ' is unusable: its name is not a real date (YYYY-MM-DD)'
                )
            else true
        end
)

select * from final
