{#- The one classifier of every source: each record of `records` (a relation or CTE name) is
    classified exactly once as accepted, duplicate or quarantined. A base model declares its
    typed columns and hands over its rules; this macro does the rest, in this order:

    1. `checks` [(reason, condition), ...]: the first failing check quarantines the record,
       which is then never deduplicated (copy_number null), e.g. malformed_row;
    2. duplicates: among the records passing the checks, in `order_by` order, the first record
       of each (duplicate_key, record_hash) is the original (copy_number 1), later ones are
       duplicates (copy_number > 1). record_hash is the hash of `hash_columns`, the typed,
       normalised values a user sees in staging (none: the key alone decides); a column given
       as [typed, raw] falls back on its trimmed raw text where the typed value is null, so
       two values that do not parse differ when they are written differently;
    3. conflicts: `is_conflicting` is true for the originals of a `conflict_key` group that
       holds more than one record_hash (no conflict_key: never); a rule
       ('conflicting_...', 'is_conflicting') in `rules` quarantines them;
    4. `rules` [(reason, condition), ...]: checked, in order, on the originals;
    5. `late_columns` [(name, expression), ...], each computed after the one before it (a window
       over `passes_rules`, the originals that passed every rule, e.g. an outlier bound), then
       `late_rules` [(reason, condition), ...] on those originals.

    It adds check_rejection_reason, record_hash, copy_number, is_conflicting,
    rule_rejection_reason, passes_rules, the late columns, rejection_reason and row_status to
    the columns of `records`; the model then selects what it keeps.

    only_repeated_keys: group the records by a cheap hash of the duplicate key (of the hashed
    columns when there is no key) first, and run the record hash and the windows only on the
    records whose key repeats; the others are their own originals (record_hash null). Worth it
    when repeats are rare (10 million retail lines). Without it every record is hashed.
    null_keys_are_distinct: a record with a null in its duplicate key is its own original.

    Portable SQL (dbt.hash, dbt.concat, row_number, min/max over windows, union all); the cheap
    hash is dispatched (classify_key_hash). -#}
{% macro classified_records(
    records,
    checks=[],
    duplicate_key=[],
    hash_columns=[],
    conflict_key=none,
    order_by=none,
    rules=[],
    late_columns=[],
    late_rules=[],
    only_repeated_keys=false,
    null_keys_are_distinct=false
) %}
    {%- set order_by = order_by or ['source_file', 'line_number'] %}
    {%- set cheap_key = [] %}
    {%- for column in (duplicate_key if duplicate_key else hash_columns) %}
        {%- do cheap_key.append(column if column is string else column[0]) %}
    {%- endfor %}
    {%- set key_present -%}
        {%- if null_keys_are_distinct and duplicate_key -%}
            {%- for column in duplicate_key %} and {{ column }} is not null{% endfor -%}
        {%- endif -%}
    {%- endset %}
    with

    checked as (
        select
            *,
            {{ classify_first_failing(checks) }} as check_rejection_reason
        from {{ records }}
    ),

    {%- if only_repeated_keys %}

    keyed as (
        select
            *,
            {{ classify_key_hash(cheap_key) }} as key_hash
        from checked
    ),

    repeated_keys as (
        -- only records whose key repeats can be duplicates or conflicts (a hash collision only
        -- adds records to the exact checks below)
        select key_hash as repeated_key_hash
        from keyed
        where check_rejection_reason is null{{ key_present }}
        group by key_hash
        having count(*) > 1
    ),

    marked as (
        select
            keyed.*,
            case
                when
                    keyed.check_rejection_reason is null
                    and repeated_keys.repeated_key_hash is not null
                    then true
                else false
            end as is_suspect
        from keyed
        left join repeated_keys on keyed.key_hash = repeated_keys.repeated_key_hash
    ),
    {%- else %}

    marked as (
        select
            *,
            case
                when check_rejection_reason is null{{ key_present }} then true
                else false
            end as is_suspect
        from checked
    ),
    {%- endif %}

    hashed as (
        select
            *,
            {%- if only_repeated_keys %}
            case when is_suspect then {{ classify_record_hash(hash_columns) }} end as record_hash
            {%- else %}
            {{ classify_record_hash(hash_columns) }} as record_hash
            {%- endif %}
        from marked
    ),

    copies as (
        select
            *,
            row_number() over (
                partition by
                    {%- for column in duplicate_key %} {{ column }},{% endfor %} record_hash
                order by {{ order_by | join(', ') }}
            ) as copy_number
        from hashed
        where is_suspect
    ),

    conflicts as (
        select
            *,
            {%- if conflict_key %}
            coalesce(
                copy_number = 1
                and min(record_hash) over (
                    partition by copy_number = 1, {{ conflict_key | join(', ') }}
                ) <> max(record_hash) over (
                    partition by copy_number = 1, {{ conflict_key | join(', ') }}
                ),
                false
            ) as is_conflicting
            {%- else %}
            false as is_conflicting
            {%- endif %}
        from copies
    ),

    deduplicated as (
        select * from conflicts

        union all

        select
            *,
            case when check_rejection_reason is null then 1 end as copy_number,
            false as is_conflicting
        from hashed
        where not is_suspect
    ),

    reasons as (
        select
            *,
            case
                when check_rejection_reason is not null then check_rejection_reason
                when copy_number > 1 then null
                {%- for reason, condition in rules %}
                when {{ condition }} then {{ sql_text(reason) }}
                {%- endfor %}
            end as rule_rejection_reason
        from deduplicated
    ),

    screened as (
        select
            *,
            case
                when copy_number = 1 and rule_rejection_reason is null then true
                else false
            end as passes_rules
        from reasons
    ),
    {%- set last = namespace(cte='screened') %}
    {%- for name, expression in late_columns %}

    late_{{ loop.index }} as (
        select
            *,
            {{ expression }} as {{ name }}
        from {{ last.cte }}
    ),
    {%- set last.cte = 'late_' ~ loop.index %}
    {%- endfor %}

    classified as (
        select
            *,
            case
                when rule_rejection_reason is not null then rule_rejection_reason
                {%- for reason, condition in late_rules %}
                when passes_rules and {{ condition }} then {{ sql_text(reason) }}
                {%- endfor %}
            end as rejection_reason
        from {{ last.cte }}
    )

    select
        *,
        case
            when copy_number > 1 then 'duplicate'
            when rejection_reason is not null then 'quarantined'
            else 'accepted'
        end as row_status
    from classified
{% endmacro %}

{#- The first reason of [(reason, condition), ...] whose condition holds (null: none). -#}
{% macro classify_first_failing(rules) -%}
    {%- if rules -%}
    case
        {%- for reason, condition in rules %}
        when {{ condition }} then {{ sql_text(reason) }}
        {%- endfor %}
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- The hash of a record's typed values (null: no column), unambiguous: each value is written
    as v<length>:<text>, a null as n, so that no two different rows share the text. A column
    given as [typed, raw] is its typed value or, when that is null, its trimmed raw text
    (r<length>:<text>): a value that does not parse is judged by what was written. -#}
{% macro classify_record_hash(columns) -%}
    {%- if columns -%}
    {{ dbt.hash(classify_encoded(columns)) }}
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{% macro classify_encoded(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set typed = column if column is string else column[0] -%}
        {%- set text = 'cast(' ~ typed ~ ' as ' ~ dbt.type_string() ~ ')' -%}
        {%- set value = dbt.concat([
            "'v'", 'cast(length(' ~ text ~ ') as ' ~ dbt.type_string() ~ ')', "':'", text
        ]) -%}
        {%- if column is string -%}
            {%- do parts.append('coalesce(' ~ value ~ ", 'n')") -%}
        {%- else -%}
            {%- set raw = "nullif(trim(" ~ column[1] ~ "), '')" -%}
            {%- set raw_value = dbt.concat([
                "'r'", 'cast(length(' ~ raw ~ ') as ' ~ dbt.type_string() ~ ')', "':'", raw
            ]) -%}
            {%- do parts.append('coalesce(' ~ value ~ ', ' ~ raw_value ~ ", 'n')") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- A cheap hash of some columns, to find the keys that repeat: DuckDB's 64-bit hash(); other
    engines the record hash. -#}
{% macro classify_key_hash(columns) -%}
    {{ return(adapter.dispatch('classify_key_hash')(columns)) }}
{%- endmacro %}

{% macro default__classify_key_hash(columns) -%}
    {{ classify_record_hash(columns) }}
{%- endmacro %}

{% macro duckdb__classify_key_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- Raw text columns kept for quarantined records only (null otherwise), which keeps the base
    tables lean. -#}
{% macro quarantined_only(columns) -%}
    {%- for column in columns %}
    case when row_status = 'quarantined' then {{ column }} end as {{ column }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
