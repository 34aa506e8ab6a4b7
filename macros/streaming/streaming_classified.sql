{#- The streaming feed's declaration for the shared classifier (classified_records), used by
    the six base_streaming__<entity>s models: every raw record of an entity classified exactly
    once as accepted, duplicate or quarantined, and its accepted versions ordered so that the
    current one is known. A query over `typed`, which must have: source_file, batch_date,
    record_number, is_well_formed, id_text (the trimmed id text, null when blank), the typed id
    column, updated_at_text, updated_at, is_deleted, and the staged columns.

    Rules, in this order (classified_records' checks, duplicates, conflicts, rules):
    1. checks, first failing reason: malformed_record, missing_id, invalid_id,
       invalid_updated_at; tombstones stop there; then the entity's `rules`;
    2. exact duplicates: among records passing step 1, in version order (batch_date, versioned
       at nulls first, record_number), the first record of each (id, record_hash) is the
       original, later ones are duplicates (copy_number > 1), whatever batch they are in;
    3. conflicts: originals with the same id, batch_date and versioned_at (null = null) but a
       different record_hash are all quarantined conflicting_versions;
    4. the entity's `orphan_rules` (checked on the originals still clean; not on tombstones).

    A tombstone keeps only its id and updated_at: its other staged columns are null (the model
    defines each through streaming_unless_deleted; a tombstone with one that is not stops the
    build), so they do not enter its record_hash. record_hash is classified_records' hash of the id, the
    staged columns, is_deleted and updated_at, in that order (typed values). is_latest_version
    marks, per id, the last accepted record in version order: the current version, unless it
    is a tombstone.

    typed         relation or CTE name holding the typed records
    id_column     the entity's id column (author_id, ...)
    columns       the staged columns other than the id and updated_at, in order
    rules         [(reason, condition), ...]: the entity's rule checks, in order
    orphan_rules  [(reason, condition), ...]: checks against other entities, after conflicts
    versioned_at  SQL expression of the timestamp that orders versions inside a batch -#}
{% macro streaming_classified(
    typed, id_column, columns, rules=[], orphan_rules=[], versioned_at='updated_at'
) %}
    {%- set checks = [
        ('malformed_record', 'not is_well_formed'),
        ('missing_id', 'id_text is null'),
        ('invalid_id', id_column ~ ' is null or ' ~ id_column ~ ' <= 0'),
        ('invalid_updated_at', 'updated_at_text is not null and updated_at is null'),
    ] %}
    {%- for reason, condition in rules %}
        {%- do checks.append((reason, 'not is_deleted and (' ~ condition ~ ')')) %}
    {%- endfor %}
    {%- set later_rules = [('conflicting_versions', 'is_conflicting')] %}
    {%- for reason, condition in orphan_rules %}
        {%- do later_rules.append((reason, 'not is_deleted and (' ~ condition ~ ')')) %}
    {%- endfor %}
    with

    -- a tombstone's other fields are ignored: they do not enter its hash nor staging (each
    -- staged column is defined through streaming_unless_deleted; a model that forgets one
    -- stops the build)
    kept as (
        select *
        from {{ typed }}
        where
            case
                when is_deleted and (
                    {%- for column in columns %}
                    {{ column }} is not null{{ ' or' if not loop.last }}
                    {%- endfor %}
                )
                    then error(
                        'streaming_classified: a tombstone of ' || {{ sql_text(id_column) }}
                        || ' ' || coalesce(id_text, '?') || ' has a staged column that is not'
                        || ' null (define it through streaming_unless_deleted)'
                    )
                else true
            end
    ),

    versioned as (
        select
            *,
            {{ versioned_at }} as versioned_at
        from kept
    ),

    classified as (
        {{ classified_records(
            records='versioned',
            checks=checks,
            duplicate_key=[id_column],
            hash_columns=[id_column] + columns + ['is_deleted', 'updated_at'],
            conflict_key=[id_column, 'batch_date', 'versioned_at'],
            order_by=[
                'batch_date asc',
                'versioned_at asc nulls first',
                'record_number asc',
                'source_file asc',
            ],
            rules=later_rules,
        ) }}
    ),

    versions as (
        select
            *,
            coalesce(
                row_status = 'accepted'
                and row_number() over (
                    partition by row_status = 'accepted', {{ id_column }}
                    order by
                        batch_date desc,
                        versioned_at desc nulls last,
                        record_number desc,
                        source_file desc
                ) = 1,
                false
            ) as is_latest_version
        from classified
    )

    select * from versions
{% endmacro %}

{#- A staged column's expression, null for a tombstone (a record with `_deleted` true): a
    tombstone keeps only its id and updated_at. Each base model wraps the definition of every
    staged column in it (`is_deleted` must be defined before); streaming_classified checks
    that it was. -#}
{% macro streaming_unless_deleted(expr) -%}
    case when not is_deleted then {{ expr }} end
{%- endmacro %}

{#- The fields every streaming record has, from their raw text: id_text and updated_at_text
    (trimmed, null when blank) and is_deleted (`_deleted` equal to true, any case, trimmed). -#}
{% macro streaming_record_keys(id_raw, updated_at_raw, deleted_raw) -%}
    nullif(trim({{ id_raw }}), '') as id_text,
    nullif(trim({{ updated_at_raw }}), '') as updated_at_text,
    coalesce(lower(trim({{ deleted_raw }})) = 'true', false) as is_deleted
{%- endmacro %}

{#- The records of one streaming entity, the same shape for JSON and CSV files: source_file,
    batch_date, record_number, is_well_formed, raw_record and one raw text column per field.

    streaming_json_entity_records: from base_streaming__json_records (`json_records`, a CTE
    name) and stg_streaming__files (`files`); `fields` maps each raw column to its JSON path
    (`{'birth_city_raw': '$.birth.place.city'}`); a field absent or JSON null is null. The
    record itself (JSON) is kept too, as `record`.
    streaming_csv_entity_records: from base_streaming__csv_lines (`lines`) and the entity's
    rows of stg_streaming__files (`files`) through csv_records; `columns` maps each raw column
    to its header name (an optional column such as `_deleted` is null when absent). -#}
{% macro streaming_json_entity_records(json_records, files, entity, fields) %}
    select
        {{ json_records }}.source_file,
        {{ files }}.batch_date,
        {{ json_records }}.record_number,
        -- (a JSON record is counted in records, not lines)
        null::bigint as line_count,
        {{ json_records }}.is_well_formed,
        {{ json_records }}.raw_record,
        {{ json_records }}.record,
        {%- for column, path in fields.items() %}
        {{ json_extract_text(json_records ~ '.record', path) }} as {{ column }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ json_records }}
    inner join {{ files }} on {{ json_records }}.source_file = {{ files }}.source_file
    where {{ files }}.entity = {{ sql_text(entity) }}
{% endmacro %}

{% macro streaming_csv_entity_records(lines, files, columns) %}
    with

    mapped as (
        {{ csv_records(lines=lines, files=files, columns=columns, file_columns=['batch_date']) }}
    )

    select
        source_file,
        batch_date,
        line_number as record_number,
        line_count,
        is_well_formed,
        raw_line as raw_record,
        {%- for column in columns %}
        {{ column }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from mapped
{% endmacro %}

{#- The columns every base_streaming__<entity>s model starts with: where the record came from
    and how it was classified. -#}
{% macro streaming_classification_columns() -%}
    -- where the record came from
    source_file,
    batch_date,
    record_number,
    line_count,
    -- classification
    row_status,
    rejection_reason,
    copy_number,
    is_deleted,
    is_latest_version,
    versioned_at,
    record_hash
{%- endmacro %}
