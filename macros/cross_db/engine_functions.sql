{#- The few DuckDB functions the parsing macros use that PostgreSQL lacks. On PostgreSQL they
    are small functions of the same names in the schema `analytics_functions` (on the
    target's search_path), created by the on-run-start hook engine_functions_setup():
    regexp_full_match(text, pattern) (the pattern must keep to what RE2 and PostgreSQL's ARE
    share), len(array), list_position(array, item), error(message), quantile_cont(value, fraction) (an aggregate, also
    a window function); and try_cast(), a macro, since a cast is syntax. -#}

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
{%- endmacro %}
