{#- The records of whole JSON files read as text (filename, content), one row per record:
    the file is a JSON array when its first non-blank character is `[`, otherwise one object
    per line (NDJSON). A UTF-8 byte-order mark is ignored, and so is the CR of CRLF endings.

    - array: record_number is the 1-based position in the array; an element that is not an
      object is not well formed. A file starting with `[` that is not valid JSON as a whole
      stops the build with an error naming the file (nothing of it can be trusted).
    - NDJSON: record_number is the 1-based physical line number; blank lines are skipped (and
      not counted); a line that is not valid JSON, or valid JSON that is not an object, is not
      well formed and keeps its raw text.

    files        relation (or CTE name) with filename and content
    file_label   how the error message names the source ('streaming', ...)

    Yields: filename, file_format (json_array | ndjson), record_number, raw_record (the line,
    or the array element as compact JSON text), is_well_formed, record (the object as JSON,
    null when not well formed).

    One query for every engine; what differs is three small dispatched pieces: whether an
    array file is valid JSON as a whole (json_array_is_valid), an array's elements with their
    positions (json_array_records), and whether a record is a JSON object (json_is_object).
    DuckDB re-serialises an array element as compact JSON; the PostgreSQL and Spark variants
    write the same text. PostgreSQL's and Spark's JSON parsers refuse trailing commas and
    NaN/Infinity, which DuckDB's accepts: such a record is malformed there (and such an array
    file stops the build); Spark's accepts text after a complete value. -#}
{% macro json_records(files, file_label) %}
    with

    json_files as (
        select
            filename,
            {{ relative_source_file('filename') }} as source_file,
            -- a byte-order mark is not part of the JSON
            {{ without_bom('content') }} as content,
            {{ json_file_format('content') }} as file_format
        from {{ files }}
    ),

    {# PostgreSQL would otherwise inline the check into the array's parse #}
    usable_files as {{ 'materialized' if target.type == 'postgres' }} (
        select *
        from json_files
        -- an array that is not valid JSON as a whole stops the build, naming the file
        where
            case
                when file_format = 'json_array' and not {{ json_array_is_valid('content') }}
                    then error(
                        {{ sql_text(file_label ~ ' file ') }} || source_file
                        || ' is unusable: it starts with [ but is not valid JSON as a whole'
                    )
                else true
            end
    ),

    array_records as (
        {{ json_array_records('usable_files') }}
    ),

    ndjson_files as (
        select
            filename,
            file_format,
            string_to_array(content, chr(10)) as physical_lines
        from usable_files
        where file_format = 'ndjson'
    ),

    ndjson_lines as (
        select
            filename,
            file_format,
            {{ list_items_with_offset('physical_lines', 'physical_line', 'line_offset') }}
        from ndjson_files
    ),

    ndjson_records as (
        select
            filename,
            file_format,
            -- the CR of a CRLF ending is not part of the record
            case
                when right(physical_line, 1) = chr(13)
                    then left(physical_line, length(physical_line) - 1)
                else physical_line
            end as raw_record,
            line_offset + 1 as record_number
        from ndjson_lines
        -- blank lines are skipped and not counted
        where {{ strip_chars('physical_line', "' ' || chr(9) || chr(13)") }} <> ''
    ),

    all_records as (
        select filename, file_format, raw_record, record_number from array_records
        union all
        select filename, file_format, raw_record, record_number from ndjson_records
    ),

    checked as (
        select
            filename,
            file_format,
            record_number,
            raw_record,
            {{ json_is_object('raw_record') }} as is_well_formed
        from all_records
    )

    select
        filename,
        file_format,
        record_number,
        raw_record,
        is_well_formed,
        case when is_well_formed then {{ json_from_text('raw_record') }} end as record
    from checked
{% endmacro %}

{#- True when an array file's text (after the byte-order mark) is valid JSON as a whole. -#}
{% macro json_array_is_valid(content) -%}
    {{ return(adapter.dispatch('json_array_is_valid')(content)) }}
{%- endmacro %}

{% macro default__json_array_is_valid(content) -%}
    json_valid({{ content }})
{%- endmacro %}

{#- Spark: valid for VARIANT and, as an array, for Jackson (json_array_records reads both). -#}
{% macro spark__json_array_is_valid(content) -%}
    (
        try_parse_json({{ content }}) is not null
        and from_json({{ content }}, 'array<string>') is not null
    )
{%- endmacro %}

{#- A query over the usable files (a CTE name) of json_records(): one row per element of
    each json_array file, with filename, file_format, raw_record (the element as compact JSON
    text, an object's keys in their order) and record_number (its 1-based position). -#}
{% macro json_array_records(files) -%}
    {{ return(adapter.dispatch('json_array_records')(files)) }}
{%- endmacro %}

{% macro default__json_array_records(files) -%}
    select
        filename,
        file_format,
        {{ list_items_with_offset('elements', 'raw_record', 'element_offset') }},
        element_offset + 1 as record_number
    from (
        select
            filename,
            file_format,
            cast(json_extract(content, '$[*]') as varchar[]) as elements
        from {{ files }}
        where file_format = 'json_array'
    ) as array_files
{%- endmacro %}

{#- PostgreSQL: json_array_elements with ordinality; the element as DuckDB's compact text of
    it (analytics_functions.json_compact). -#}
{% macro postgres__json_array_records(files) -%}
    select
        {{ files }}.filename,
        {{ files }}.file_format,
        analytics_functions.json_compact(elements.element) as raw_record,
        elements.record_number
    from {{ files }}
    cross join lateral json_array_elements(
        case when {{ files }}.file_format = 'json_array' then {{ files }}.content end::json
    ) with ordinality as elements (element, record_number)
    where {{ files }}.file_format = 'json_array'
{%- endmacro %}

{#- Spark: the elements through Jackson (from_json as array<string>: each object as compact
    JSON text, its keys in their order, numbers written as DuckDB writes them) zipped with
    their JSON types through Spark's VARIANT (try_parse_json; its text would sort the keys). -#}
{% macro spark__json_array_records(files) -%}
    select
        array_files.filename,
        array_files.file_format,
        -- an object's own text (its keys in order); any other value as JSON text
        case
            when schema_of_variant(array_elements.element.`1`) like 'OBJECT%'
                then {{ spark_json_surrogates_decoded('array_elements.element.`0`') }}
            else to_json(array_elements.element.`1`)
        end as raw_record,
        array_elements.position + 1 as record_number
    from (
        select
            filename,
            file_format,
            arrays_zip(
                from_json(content, 'array<string>'),
                cast(try_parse_json(content) as array<variant>)
            ) as elements
        from {{ files }}
        where file_format = 'json_array'
    ) as array_files
    lateral view posexplode(array_files.elements) array_elements as position, element
{%- endmacro %}

{#- True when a record's text is valid JSON and a JSON object, false otherwise (never null). -#}
{% macro json_is_object(text) -%}
    {{ return(adapter.dispatch('json_is_object')(text)) }}
{%- endmacro %}

{% macro default__json_is_object(text) -%}
    coalesce(case when json_valid({{ text }}) then json_type({{ text }}) = 'OBJECT' end, false)
{%- endmacro %}

{% macro postgres__json_is_object(text) -%}
    coalesce(
        case when json_valid({{ text }}) then json_typeof(({{ text }})::json) = 'object' end,
        false
    )
{%- endmacro %}

{% macro spark__json_is_object(text) -%}
    coalesce(schema_of_variant(try_parse_json({{ text }})) like 'OBJECT%', false)
{%- endmacro %}

{#- A record's text as the engine's JSON value (Spark has no JSON type: the text itself). -#}
{% macro json_from_text(text) -%}
    {{ return(adapter.dispatch('json_from_text')(text)) }}
{%- endmacro %}

{% macro default__json_from_text(text) -%}
    cast({{ text }} as json)
{%- endmacro %}

{% macro spark__json_from_text(text) -%}
    {{ text }}
{%- endmacro %}

{#- Spark: JSON text with every escaped surrogate pair (`\uD83C\uDF89`, how Jackson writes a
    character outside the Basic Multilingual Plane, an emoji) written as the character itself,
    as DuckDB writes it: each pair's code point encoded as its four UTF-8 bytes. -#}
{% macro spark_json_surrogates_decoded(text) -%}
    {%- set code_point -%}
        cast(
            (conv(substr(escaped, 3, 4), 16, 10) - 55296) * 1024
            + conv(substr(escaped, 9, 4), 16, 10) - 56320 + 65536
            as int
        )
    {%- endset -%}
    aggregate(
        regexp_extract_all(
            {{ text }}, {{ sql_text('\\\\uD[89AB][0-9A-F]{2}\\\\uD[C-F][0-9A-F]{2}') }}, 0
        ),
        {{ text }},
        (decoded, escaped) -> replace(
            decoded,
            escaped,
            decode(unhex(format_string(
                '%02X%02X%02X%02X',
                240 + shiftright({{ code_point }}, 18),
                128 + (shiftright({{ code_point }}, 12) & 63),
                128 + (shiftright({{ code_point }}, 6) & 63),
                128 + ({{ code_point }} & 63)
            )), 'UTF-8')
        )
    )
{%- endmacro %}

{#- json_array when the text's first character that is not blank (nor a byte-order mark) is
    `[`, otherwise ndjson. -#}
{% macro json_file_format(content) -%}
    {%- if target.type == 'spark' -%}
        {%- set blanks = "'\\uFEFF \\t\\n\\r'" -%}
    {%- else -%}
        {%- set blanks = "chr(65279) || ' ' || chr(9) || chr(10) || chr(13)" -%}
    {%- endif -%}
    case
        when left({{ strip_chars(content, blanks, 'leading') }}, 1) = '['
            then 'json_array'
        else 'ndjson'
    end
{%- endmacro %}

{#- The text at a JSON path of object keys (`$.birth.place.city`) of a JSON value, DuckDB's
    `->>`: a string as its text, a number, object or array as compact JSON text, null when
    the path is absent or the value is JSON null (the first member of a repeated key). -#}
{% macro json_extract_text(json, path) -%}
    {{ return(adapter.dispatch('json_extract_text')(json, path)) }}
{%- endmacro %}

{% macro default__json_extract_text(json, path) -%}
    {{ json }} ->> {{ sql_text(path) }}
{%- endmacro %}

{#- Spark: get_json_object (a repeated key: its first member, as on DuckDB). -#}
{% macro spark__json_extract_text(json, path) -%}
    get_json_object({{ json }}, {{ sql_text(path) }})
{%- endmacro %}

{% macro postgres__json_extract_text(json, path) -%}
    analytics_functions.json_extract_string({{ json }}, {{ json_path_keys(path) }})
{%- endmacro %}

{#- The JSON value at a JSON path of object keys, DuckDB's `->` (null when absent). -#}
{% macro json_extract_value(json, path) -%}
    {{ return(adapter.dispatch('json_extract_value')(json, path)) }}
{%- endmacro %}

{% macro default__json_extract_value(json, path) -%}
    {{ json }} -> {{ sql_text(path) }}
{%- endmacro %}

{#- Spark: the value as JSON text (a string quoted), through VARIANT (which sorts an object's
    keys: the value is only read for its type and items, json_cleaned_text_list). -#}
{% macro spark__json_extract_value(json, path) -%}
    to_json(try_variant_get(try_parse_json({{ json }}), {{ sql_text(path) }}))
{%- endmacro %}

{% macro postgres__json_extract_value(json, path) -%}
    analytics_functions.json_extract({{ json }}, {{ json_path_keys(path) }})
{%- endmacro %}

{#- A JSON path of object keys ('$.a.b') as a PostgreSQL text array literal ('{a,b}'). -#}
{% macro json_path_keys(path) -%}
    {%- set keys = path[2:].split('.') if path.startswith('$.') else [] -%}
    {%- for key in keys %}
        {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', key) -%}
            {%- do exceptions.raise_compiler_error(
                'json_path_keys: only $.key.key paths of plain keys, not ' ~ path
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not keys -%}
        {%- do exceptions.raise_compiler_error('json_path_keys: not a $.key path: ' ~ path) -%}
    {%- endif -%}
    '{{ '{' ~ keys | join(',') ~ '}' }}'
{%- endmacro %}

{#- The text items of a JSON array, each cleaned by clean_text(), the empty ones (null after
    cleaning, or JSON null) left out, in order; null when the value is not an array. An item
    that is not a string is taken as its compact JSON text. -#}
{% macro json_cleaned_text_list(json) -%}
    {{ return(adapter.dispatch('json_cleaned_text_list')(json)) }}
{%- endmacro %}

{% macro default__json_cleaned_text_list(json) -%}
    case
        when json_type({{ json }}) = 'ARRAY'
            then list_filter(
                list_transform(
                    cast(json_extract_string({{ json }}, '$[*]') as varchar[]),
                    lambda item: {{ clean_text('item') }}
                ),
                lambda item: item is not null
            )
    end
{%- endmacro %}

{% macro postgres__json_cleaned_text_list(json) -%}
    case
        when json_typeof({{ json }}) = 'array'
            then array(
                select cleaned.item
                from (
                    select
                        {{ clean_text('analytics_functions.json_value_text(items.element)') }}
                            as item,
                        items.position
                    from json_array_elements({{ json }}) with ordinality
                        as items (element, position)
                ) as cleaned
                where cleaned.item is not null
                order by cleaned.position
            )
    end
{%- endmacro %}

{#- Spark: the items through Jackson (from_json as array<string>: a string as its text, any
    other value as compact JSON text, JSON null as null). -#}
{% macro spark__json_cleaned_text_list(json) -%}
    case
        when startswith({{ json }}, '[')
            then filter(
                transform(
                    from_json({{ json }}, 'array<string>'),
                    item -> {{ clean_text('item') }}
                ),
                item -> item is not null
            )
    end
{%- endmacro %}
