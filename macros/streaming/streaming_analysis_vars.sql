{#- The run-time parameters of the streaming analyses and of the outage macro, checked before
    any SQL runs, each returned as a SQL literal. Their dates follow the one calendar rule of
    checked_var_problem; their messages say what each analysis needs. -#}

{#- The month of a month analysis: the var kpi_month, 'YYYY-MM-01', as a SQL date literal. -#}
{% macro streaming_kpi_month() -%}
    {%- if not execute -%}
        {{ return('cast(null as date)') }}  {#- parsing: vars are checked when compiled -#}
    {%- endif -%}
    {%- set value = var('kpi_month', none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(streaming_missing_var('kpi_month', '"2024-01-01"', 'date')) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {#- a real calendar date (checked_var's rule) that is the first of its month -#}
    {%- if checked_var_problem(text, 'date') != '' or not text.endswith('-01') -%}
        {{ exceptions.raise_compiler_error(
            "kpi_month=" ~ text ~ " is not the first day of a month: give YYYY-MM-01,"
            ~ " for example --vars '{kpi_month: \"2024-01-01\"}'"
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as date)") }}
{%- endmacro %}

{#- The outage window [outage_start, outage_end] as two SQL timestamp literals (UTC); a clear
    error when either is missing or unreadable, or when the end is before the start. -#}
{% macro streaming_outage_window(outage_start, outage_end) -%}
    {%- if not execute -%}
        {{ return(['cast(null as ' ~ dbt.type_timestamp() ~ ')'] * 2) }}
    {%- endif -%}
    {%- if outage_start is none or (outage_start | string | trim) == ''
        or outage_end is none or (outage_end | string | trim) == '' -%}
        {%- set missing = 'outage_start' if outage_start is none
            or (outage_start | string | trim) == '' else 'outage_end' -%}
        {{ return([
            streaming_missing_var(missing, '"2024-01-31 20:00:00"', dbt.type_timestamp()),
            streaming_missing_var(missing, '"2024-01-31 20:00:00"', dbt.type_timestamp()),
        ]) }}
    {%- endif -%}
    {%- set start_at = streaming_parse_timestamp('outage_start', outage_start) -%}
    {%- set end_at = streaming_parse_timestamp('outage_end', outage_end) -%}
    {%- if end_at < start_at -%}
        {{ exceptions.raise_compiler_error(
            "outage_end (" ~ end_at ~ " UTC) is before outage_start (" ~ start_at ~ " UTC)"
        ) }}
    {%- endif -%}
    {{ return([
        "cast('" ~ start_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as "
        ~ dbt.type_timestamp() ~ ")",
        "cast('" ~ end_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as "
        ~ dbt.type_timestamp() ~ ")",
    ]) }}
{%- endmacro %}

{#- A run-time timestamp, YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]][Z|+HH:MM|-HH:MM] (no offset =
    UTC; a date alone is midnight), as a naive UTC datetime; a clear error otherwise. -#}
{% macro streaming_parse_timestamp(name, value) -%}
    {%- set text = value | string | trim -%}
    {%- set match = modules.re.fullmatch(
        '([0-9]{4})-([0-9]{2})-([0-9]{2})'
        ~ '(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]{1,6}))?)?)?'
        ~ '(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))?',
        text
    ) -%}
    {%- set problem = none -%}
    {%- if match -%}
        {%- set year, month, day = match.group(1) | int, match.group(2) | int,
            match.group(3) | int -%}
        {%- set hour, minute = (match.group(4) or 0) | int, (match.group(5) or 0) | int -%}
        {%- set second = (match.group(6) or 0) | int -%}
        {%- set microsecond = ((match.group(7) or '') ~ '000000')[:6] | int -%}
        {%- set offset_hours = (match.group(10) or 0) | int -%}
        {%- set offset_minutes = (match.group(11) or 0) | int -%}
        {#- the calendar rule of every date var: checked_var's -#}
        {%- set valid = checked_var_problem(text[:10], 'date') == ''
            and hour <= 23 and minute <= 59 and second <= 59
            and offset_hours <= 14 and offset_minutes <= 59 -%}
    {%- endif -%}
    {%- if not match or not valid -%}
        {{ exceptions.raise_compiler_error(
            name ~ "=" ~ text ~ " is not a timestamp: give YYYY-MM-DD HH:MM:SS (UTC), optionally"
            ~ " with .ffffff and an offset (Z, +08:00), for example"
            ~ " \"2024-01-31 20:00:00\""
        ) }}
    {%- endif -%}
    {%- set local = modules.datetime.datetime(
        year, month, day, hour, minute, second, microsecond
    ) -%}
    {%- set sign = -1 if match.group(9) == '-' else 1 -%}
    {{ return(local - modules.datetime.timedelta(
        minutes=sign * (offset_hours * 60 + offset_minutes)
    )) }}
{%- endmacro %}

{#- A var an analysis needs is missing. When the analysis was asked for (`dbt compile` or
    `dbt show` with --select), that is a compile error saying what to give. Otherwise (dbt docs
    generate, a `dbt compile` of everything, SQLFluff) the analysis still compiles, to SQL that
    fails with the same message if it is run: a cast of the message to the literal's type. -#}
{% macro streaming_missing_var(name, example, sql_type) -%}
    {%- set message = "the var " ~ name ~ " is missing: give it with --vars '{" ~ name ~ ": "
        ~ example ~ "}'" -%}
    {%- if execute and invocation_args_dict.get('which') in ('compile', 'show')
        and invocation_args_dict.get('select') -%}
        {{ exceptions.raise_compiler_error(message) }}
    {%- endif -%}
    {{ return('cast(' ~ sql_text(message) ~ ' as ' ~ sql_type ~ ')') }}
{%- endmacro %}
