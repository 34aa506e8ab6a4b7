{#- The outage question of seed 003: how many users had a stream running at some moment of the
    outage window (both ends included). Overlap: start_at <= outage_end and end_at >=
    outage_start, over the current streams. (The seed's query, `start_at <= outage_start and
    end_at >= outage_end`, counts only the streams that covered the whole outage.) The analysis
    analyses/streaming/users_affected_by_outage.sql asks the same with vars.

    dbt run-operation streaming_users_affected_by_outage
        --args '{outage_start: "2024-01-31 20:00:00", outage_end: "2024-01-31 22:00:00"}'
    prints the number of users affected (and returns it). -#}

{% macro streaming_users_affected_by_outage(outage_start=none, outage_end=none) -%}
    {%- for name, value in [('outage_start', outage_start), ('outage_end', outage_end)] -%}
        {%- if value is none or (value | string | trim) == '' -%}
            {{ exceptions.raise_compiler_error(
                name ~ " is missing: dbt run-operation streaming_users_affected_by_outage --args"
                ~ " '{outage_start: \"2024-01-31 20:00:00\","
                ~ " outage_end: \"2024-01-31 22:00:00\"}'"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set window = streaming_outage_window(outage_start, outage_end) -%}
    {%- set query -%}
        select count(distinct user_id) as affected_users
        from {{ ref('stg_streaming__streams') }}
        where start_at <= {{ window[1] }} and end_at >= {{ window[0] }}
    {%- endset -%}
    {%- if execute -%}
        {%- set affected = run_query(query).columns[0].values()[0] -%}
        {%- set start_at = streaming_parse_timestamp('outage_start', outage_start) -%}
        {%- set end_at = streaming_parse_timestamp('outage_end', outage_end) -%}
        {{ log(
            "Users affected by the outage from " ~ start_at ~ " to " ~ end_at ~ " UTC"
            ~ " (a stream running at some moment of it): " ~ affected,
            info=True
        ) }}
        {{ return(affected) }}
    {%- endif -%}
{%- endmacro %}
