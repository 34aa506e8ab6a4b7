{#- The few DuckDB functions the parsing macros use that PostgreSQL lacks. On PostgreSQL they
    are small functions of the same names in the schema `analytics_functions` (on the
    target's search_path), created by the on-run-start hook engine_functions_setup():
    regexp_full_match(text, pattern) (the pattern must keep to what RE2 and PostgreSQL's ARE
    share), len(array), list_position(array, item), error(message), quantile_cont(value,
    fraction) (an aggregate, also a window function), parse_filename(path), the JSON functions
    of json_records() (json_valid, json_compact, json_extract, json_extract_string: DuckDB's
    results, its compact re-serialisation included), list_text(list) (DuckDB's list-to-text
    cast) and clean_text(text); and try_cast(), a macro, since a cast is syntax. -#}

{#- A cast that gives null instead of an error: for text already checked for shape, the value
    may still be out of range (an impossible date, a number too large). -#}
{% macro try_cast(text, type) -%}
    {{ return(adapter.dispatch('try_cast')(text, type)) }}
{%- endmacro %}

{% macro default__try_cast(text, type) -%}
    try_cast({{ text }} as {{ type }})
{%- endmacro %}

{% macro postgres__try_cast(text, type) -%}
    {%- set name = type | lower | replace(' ', '') -%}
    {%- if name.startswith('decimal(') or name.startswith('numeric(') -%}
        {%- set precision, scale = name.split('(')[1].rstrip(')').split(',') -%}
        analytics_functions.try_numeric(
            ({{ text }})::text, {{ precision }}, {{ scale }}
        )::decimal({{ precision }}, {{ scale }})
    {%- elif name in ('date', 'timestamp', 'timestamptz', 'bigint', 'integer') -%}
        analytics_functions.try_{{ name }}(({{ text }})::text)
    {%- else -%}
        {{ exceptions.raise_compiler_error('try_cast: no PostgreSQL function for ' ~ type) }}
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: the PostgreSQL functions above (nothing on other engines). -#}
{% macro engine_functions_setup() -%}
    {{ return(adapter.dispatch('engine_functions_setup')()) }}
{%- endmacro %}

{% macro default__engine_functions_setup() -%}
    select 1
{%- endmacro %}

{% macro postgres__engine_functions_setup() -%}
    create schema if not exists analytics_functions;
    {%- for name, type in [
        ('date', 'date'), ('timestamp', 'timestamp'), ('timestamptz', 'timestamptz'),
        ('bigint', 'bigint'), ('integer', 'integer'),
    ] %}
    create or replace function analytics_functions.try_{{ name }}(value text)
    returns {{ type }} language plpgsql immutable parallel safe as $$
    begin
        return value::{{ type }};
    exception when others then
        return null;
    end $$;
    {%- endfor %}
    create or replace function analytics_functions.try_numeric(
        value text, num_precision integer, num_scale integer
    )
    returns numeric language plpgsql immutable parallel safe as $$
    declare
        result numeric := round(value::numeric, num_scale);
    begin
        if abs(result) >= power(10::numeric, num_precision - num_scale) then
            return null;
        end if;
        return result;
    exception when others then
        return null;
    end $$;
    create or replace function analytics_functions.error(message text)
    returns boolean language plpgsql as $$
    begin
        raise exception '%', message;
    end $$;
    -- quantile_cont(value, fraction): DuckDB's continuous quantile (linear interpolation
    -- between the two nearest ranks), exact on numeric; an ordinary aggregate, so that it
    -- also works as a window function (PostgreSQL's percentile_cont does not)
    create or replace function analytics_functions.quantile_cont_step(
        state numeric[], value numeric, fraction numeric
    )
    returns numeric[] language sql immutable parallel safe as $$
        select case
            when value is null then coalesce(state, array[fraction])
            else coalesce(state, array[fraction]) || value
        end
    $$;
    create or replace function analytics_functions.quantile_cont_final(state numeric[])
    returns numeric language sql immutable parallel safe as $$
        with
        ranked as (
            select value, row_number() over (order by value) - 1 as rank
            from unnest(state[2:]) as value
        ),
        position as (
            select (count(*) - 1) * state[1] as at from ranked having count(*) > 0
        )
        select low.value + (position.at - floor(position.at)) * (high.value - low.value)
        from position
        inner join ranked as low on low.rank = floor(position.at)
        inner join ranked as high on high.rank = ceil(position.at)
    $$;
    create or replace aggregate analytics_functions.quantile_cont(numeric, numeric) (
        sfunc = analytics_functions.quantile_cont_step,
        stype = numeric[],
        finalfunc = analytics_functions.quantile_cont_final
    );
    create or replace function analytics_functions.regexp_full_match(value text, pattern text)
    returns boolean language sql immutable parallel safe
    return value ~ ('^(?:' || pattern || ')$');
    create or replace function analytics_functions.len(list anyarray)
    returns integer language sql immutable parallel safe
    as 'select cardinality(list)';
    create or replace function analytics_functions.list_position(list anyarray, item anyelement)
    returns integer language sql immutable parallel safe
    as 'select array_position(list, item)';
    create or replace function analytics_functions.parse_filename(path text)
    returns text language sql immutable parallel safe
    return regexp_replace(path, '^.*[/\\]', '');
    -- clean_text(): the same SQL as DuckDB's, the Unicode classes written out as ranges
    create or replace function analytics_functions.clean_text(value text)
    returns text language sql immutable parallel safe
    return {{ clean_text_sql(
        'value',
        control_pattern='[' ~ clean_text_control_class() ~ ']',
        removed_pattern='[^' ~ clean_text_kept_class() ~ ']',
        spaces_pattern='[' ~ clean_text_space_class() ~ ']+',
    ) }};
    -- DuckDB's list-to-text cast ([a, 'b,c', NULL]): an item is quoted (' and \ escaped)
    -- when empty, null-like, edged by white space or holding one of ( ) , " ' : = [ ] { } \
    create or replace function analytics_functions.list_text(list text[])
    returns text language sql immutable parallel safe
    as $$
        select case when list is not null then '[' || coalesce(string_agg(
            case
                when item is null then 'NULL'
                when item = '' or lower(item) = 'null' or item ~ '[(),"'':=\[\]{}\\]'
                    or item ~ '^\s|\s$'
                    then '''' || replace(replace(item, '\', '\\'), '''', '\''') || ''''
                else item
            end,
            ', ' order by position
        ), '') || ']' end
        from unnest(list) with ordinality as items (item, position)
    $$;
    -- json_valid(text): DuckDB's, except that PostgreSQL's parser refuses trailing commas
    -- and NaN/Infinity, which DuckDB's accepts
    create or replace function analytics_functions.json_valid(value text)
    returns boolean language plpgsql immutable parallel safe as $$
    begin
        if value is null then
            return null;
        end if;
        perform value::json;
        return true;
    exception when others then
        return false;
    end $$;
    -- DuckDB's JSON text of a string: \b \t \n \f \r, other control characters \u00XX
    -- (upper-case hex), the rest as it is
    create or replace function analytics_functions.json_string(value text)
    returns text language plpgsql immutable parallel safe as $$
    declare
        result text := '';
        character text;
        code integer;
    begin
        if value is null then
            return null;
        end if;
        if value !~ '[\x01-\x1f]' then
            return to_json(value)::text;
        end if;
        foreach character in array regexp_split_to_array(value, '') loop
            code := ascii(character);
            if code < 32 then
                result := result || case code
                    when 8 then '\b' when 9 then '\t' when 10 then '\n' when 12 then '\f'
                    when 13 then '\r' else '\u' || lpad(upper(to_hex(code)), 4, '0')
                end;
            else
                result := result || substr(to_json(character)::text, 2, length(to_json(character)::text) - 2);
            end if;
        end loop;
        return '"' || result || '"';
    end $$;
    -- DuckDB's JSON text of a number: an integer as written (-0 is 0); a fraction or an
    -- exponent as the shortest decimal that reads back as the same double, in fixed notation
    -- (with .0 when whole) for decimal exponents -6 to 20, otherwise as 1.5e22 / 1e-7; a number
    -- out of the double's range as written
    create or replace function analytics_functions.json_number(value text)
    returns text language plpgsql immutable parallel safe as $$
    declare
        shortest text;
        negative boolean;
        mantissa text;
        digits text;
        exponent integer := 0;
        result text;
    begin
        if value ~ '^-?[0-9]+$' then
            return case when value = '-0' then '0' else value end;
        end if;
        begin
            shortest := value::float8::text;
        exception when others then
            return value;
        end;
        negative := left(shortest, 1) = '-';
        shortest := ltrim(shortest, '-');
        mantissa := split_part(shortest, 'e', 1);
        if position('e' in shortest) > 0 then
            exponent := split_part(shortest, 'e', 2)::integer;
        end if;
        -- exponent of the first digit
        exponent := exponent
            + coalesce(nullif(position('.' in mantissa), 0), length(mantissa) + 1) - 2;
        digits := replace(mantissa, '.', '');
        while left(digits, 1) = '0' and length(digits) > 1 loop
            digits := substr(digits, 2);
            exponent := exponent - 1;
        end loop;
        digits := rtrim(digits, '0');
        if digits = '' then
            result := '0.0';
        elsif exponent between 0 and 20 then
            if length(digits) <= exponent + 1 then
                result := rpad(digits, exponent + 1, '0') || '.0';
            else
                result := left(digits, exponent + 1) || '.' || substr(digits, exponent + 2);
            end if;
        elsif exponent between -6 and -1 then
            result := '0.' || repeat('0', -exponent - 1) || digits;
        else
            result := left(digits, 1)
                || case when length(digits) > 1 then '.' || substr(digits, 2) else '' end
                || 'e' || exponent;
        end if;
        return case when negative then '-' else '' end || result;
    end $$;
    -- DuckDB's compact JSON text of a value (json_extract re-serialises what it returns):
    -- no white space, members in input order (duplicates kept), strings and numbers as above
    create or replace function analytics_functions.json_compact(item json)
    returns text language plpgsql immutable parallel safe as $$
    declare
        result text;
    begin
        if item is null then
            return null;
        end if;
        case json_typeof(item)
            when 'object' then
                select '{' || coalesce(string_agg(
                    analytics_functions.json_string(members.member_key) || ':'
                    || analytics_functions.json_compact(members.member_value),
                    ',' order by members.position
                ), '') || '}'
                into result
                from json_each(item) with ordinality
                    as members (member_key, member_value, position);
            when 'array' then
                select '[' || coalesce(string_agg(
                    analytics_functions.json_compact(elements.element),
                    ',' order by elements.position
                ), '') || ']'
                into result
                from json_array_elements(item) with ordinality as elements (element, position);
            when 'string' then
                result := analytics_functions.json_string(item #>> '{}');
            when 'number' then
                result := analytics_functions.json_number(
                    btrim(item::text, ' ' || chr(9) || chr(10) || chr(13))
                );
            else
                result := btrim(item::text, ' ' || chr(9) || chr(10) || chr(13));
        end case;
        return result;
    end $$;
    -- DuckDB's json_extract(value, '$.a.b') (->): the value at a path of object keys, the
    -- first member of a repeated key (PostgreSQL's #> takes the last); null when absent
    create or replace function analytics_functions.json_extract(item json, path text[])
    returns json language plpgsql immutable parallel safe as $$
    declare
        step text;
    begin
        foreach step in array path loop
            if item is null or json_typeof(item) <> 'object' then
                return null;
            end if;
            select members.member_value into item
            from json_each(item) with ordinality as members (member_key, member_value, position)
            where members.member_key = step
            order by members.position
            limit 1;
        end loop;
        return item;
    end $$;
    -- DuckDB's text of a JSON value (->>): a string as its text, JSON null as null, anything
    -- else as compact JSON
    create or replace function analytics_functions.json_value_text(item json)
    returns text language sql immutable parallel safe
    return case
        when json_typeof(item) = 'string' then item #>> '{}'
        when json_typeof(item) <> 'null' then analytics_functions.json_compact(item)
    end;
    create or replace function analytics_functions.json_extract_string(item json, path text[])
    returns text language sql immutable parallel safe
    return analytics_functions.json_value_text(analytics_functions.json_extract(item, path));
{%- endmacro %}

{#- Spark: the raw tables the loader wrote (analytics-spark-load: parquet files under
    SPARK_RAW_DIR/<schema>/<table>/) declared as external tables of their sources' schemas,
    and the DuckDB functions Spark lacks as SQL functions of the database default. Spark's
    parser takes one statement per call, so each is run here and the hook itself is empty. -#}
{% macro spark__engine_functions_setup() -%}
    {%- if execute -%}
        {%- set raw_dir = spark_absolute_path(
            env_var('SPARK_RAW_DIR', env_var('SPARK_DIR', 'warehouse/spark') ~ '/raw')
        ) -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() if (node.config.meta or {}).get('load')
            or (node.meta or {}).get('load') -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
            {%- do run_query(
                'create table ' ~ node.schema ~ '.' ~ node.identifier ~ ' using parquet location '
                ~ sql_text(raw_dir ~ '/' ~ node.schema ~ '/' ~ node.identifier)
            ) -%}
        {%- endfor -%}
        {%- for statement in spark_engine_functions() -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- A path as an absolute one: Spark reads a relative table location inside the database's
    folder, not the working directory. Jinja knows no working directory, but Spark has
    qualified its warehouse folder (the profile's SPARK_DIR/tables, relative to where dbt
    runs) at start-up: the working directory is what precedes that relative path. -#}
{% macro spark_absolute_path(path) -%}
    {%- if path.startswith('/') -%}
        {{ return(path) }}
    {%- endif -%}
    {%- set configured = env_var('SPARK_DIR', 'warehouse/spark').rstrip('/') ~ '/tables' -%}
    {%- set warehouse = run_query('set spark.sql.warehouse.dir').columns[1].values()[0] -%}
    {%- set warehouse = modules.re.sub('^file:(//)?', '', warehouse).rstrip('/') -%}
    {%- set relative = configured[2:] if configured.startswith('./') else configured -%}
    {%- if not warehouse.endswith('/' ~ relative) -%}
        {{ exceptions.raise_compiler_error(
            'cannot tell the working directory from spark.sql.warehouse.dir=' ~ warehouse
            ~ ': set SPARK_RAW_DIR to an absolute path'
        ) }}
    {%- endif -%}
    {{ return(warehouse[:warehouse | length - relative | length] ~ path) }}
{%- endmacro %}

{#- The SQL functions of spark__engine_functions_setup(), one statement each. -#}
{% macro spark_engine_functions() -%}
    {#- in the current database (default), where an unqualified call finds them -#}
    {{- return([
        'create or replace function default.regexp_full_match(text string, pattern string)'
        ~ ' returns boolean return regexp_like(text, concat(\'^(?:\', pattern, \')$\'))',
        'create or replace function default.error(message string)'
        ~ ' returns boolean return raise_error(message)',
        'create or replace function default.starts_with(text string, prefix string)'
        ~ ' returns boolean return startswith(text, prefix)',
        'create or replace function default.array_to_string(list array<string>, sep string)'
        ~ ' returns string return array_join(list, sep)',
        'create or replace function default.strpos(text string, part string)'
        ~ ' returns int return instr(text, part)',
        'create or replace function default.list_position(list array<string>, item string)'
        ~ ' returns int return nullif(cast(array_position(list, item) as int), 0)',
        'create or replace function default.parse_filename(path string)'
        ~ ' returns string return regexp_replace(path, \'^.*[/\\\\\\\\]\', \'\')',
        'create or replace function default.string_to_array(text string, sep string)'
        ~ ' returns array<string> return split(text, concat(\'\\\\Q\', sep, \'\\\\E\'), -1)',
    ]) -}}
{%- endmacro %}
