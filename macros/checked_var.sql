{#- Every run-time var a build uses goes through here: its value, checked as its type, or a
    compiler error that names the var and says what it must be. on-run-start
    (validate_run_parameters) checks all of them before anything is built, so a bad value
    stops the build with nothing written; each use calls it again, so that no use can skip it.

    kind  positive_number   a decimal number > 0 (for example 1.5)
          positive_integer  a whole number >= 1
          share             a decimal number from 0 to 1
          date              a real calendar date, YYYY-MM-DD
    Returns the value as text that is safe to splice into SQL (digits, a dot, dashes). -#}
{% macro checked_var(name, kind, default=none) -%}
    {%- set raw = var(name, default) -%}
    {%- set text = (raw | string | trim) if raw is not none else '' -%}
    {%- set problem = checked_var_problem(text, kind) -%}
    {%- if problem -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ "=" ~ (raw | string | tojson) ~ " is not allowed: it must be "
            ~ problem ~ " (for example --vars '{" ~ name ~ ": "
            ~ {'positive_number': '1.5', 'positive_integer': '4', 'share': '0.5',
               'date': '\"2024-12-31\"'}[kind] ~ "}')"
        ) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{#- What is wrong with a var's text for its kind, or '' when nothing is. -#}
{% macro checked_var_problem(text, kind) -%}
    {%- set decimal = modules.re.fullmatch('[0-9]+([.][0-9]+)?|[.][0-9]+', text) -%}
    {%- if kind == 'positive_number' -%}
        {{ return('' if decimal and (text | float) > 0 else 'a number greater than 0') }}
    {%- elif kind == 'positive_integer' -%}
        {%- set whole = modules.re.fullmatch('[0-9]+', text) -%}
        {{ return('' if whole and (text | int) >= 1 else 'a whole number of at least 1') }}
    {%- elif kind == 'share' -%}
        {{ return('' if decimal and (text | float) <= 1 else 'a number from 0 to 1') }}
    {%- elif kind == 'date' -%}
        {%- set match = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text) -%}
        {%- if not match -%}
            {{ return('a calendar date, YYYY-MM-DD') }}
        {%- endif -%}
        {%- set year, month, day = match.group(1) | int, match.group(2) | int,
            match.group(3) | int -%}
        {%- if year < 1 or not (1 <= month <= 12) -%}
            {{ return('a real calendar date, YYYY-MM-DD') }}
        {%- endif -%}
        {%- set next_month = modules.datetime.date(
            year + (month // 12), month % 12 + 1, 1) -%}
        {%- set last_day = (next_month - modules.datetime.timedelta(days=1)).day -%}
        {{ return('' if 1 <= day <= last_day else 'a real calendar date, YYYY-MM-DD') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("checked_var: unknown kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}
