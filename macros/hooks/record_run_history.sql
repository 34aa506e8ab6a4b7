{#- on-run-end: append this invocation to the run history in the audit schema, one row for the
    run and one per node (model, test, seed, snapshot, hook), so that build durations and
    failures are one query away. The tables are created by this hook, not by models, so no
    build and no --full-refresh ever drops them. They are documented as the source
    `run_history`. -#}
{% macro record_run_history(results) %}
    {%- if not execute or flags.WHICH not in ('build', 'run', 'test', 'seed', 'snapshot') -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type == 'spark' -%}
        {{ return(spark_record_run_history(results)) }}
    {%- endif -%}
    {%- set failed = [] -%}
    {%- for result in results -%}
        {%- if result.status in ('error', 'fail', 'runtime error') -%}
            {%- do failed.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set finished_at = modules.datetime.datetime.now(modules.pytz.utc) -%}
    {#- rows_affected: rows in the model's table after the build; null for views and tests #}
    {%- set elapsed = (finished_at - run_started_at).total_seconds() -%}
    {%- set audit = generate_schema_name('audit', none) -%}

    create schema if not exists {{ audit }};

    create table if not exists {{ audit }}.run_history (
        invocation_id varchar,
        command varchar,
        target_name varchar,
        started_at timestamp,
        finished_at timestamp,
        status varchar,
        elapsed_seconds double precision,
        nodes_total integer,
        nodes_failed integer
    );

    create table if not exists {{ audit }}.node_history (
        invocation_id varchar,
        unique_id varchar,
        node_name varchar,
        resource_type varchar,
        materialized varchar,
        status varchar,
        elapsed_seconds double precision,
        rows_affected bigint,
        failures bigint,
        message varchar
    );

    comment on table {{ audit }}.run_history is
        'One row per dbt invocation (build, run, test...): when, status, elapsed seconds.';
    comment on table {{ audit }}.node_history is
        'One row per node (model, test, hook) of each dbt invocation: status, timing, rows.';

    delete from {{ audit }}.run_history where invocation_id = {{ sql_text(invocation_id) }};
    delete from {{ audit }}.node_history where invocation_id = {{ sql_text(invocation_id) }};

    insert into {{ audit }}.run_history values (
        {{ sql_text(invocation_id) }},
        {{ sql_text(flags.WHICH) }},
        {{ sql_text(target.name) }},
        {{ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }},
        {{ sql_text(finished_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }},
        {{ sql_text('error' if failed else 'success') }},
        {{ elapsed }},
        {{ results | length }},
        {{ failed | length }}
    );

    {%- if results %}
    insert into {{ audit }}.node_history values
    {%- for result in results %}
        (
            {{ sql_text(invocation_id) }},
            {{ sql_text(result.node.unique_id) }},
            {{ sql_text(result.node.name) }},
            {{ sql_text(result.node.resource_type) }},
            {{ sql_text(result.node.config.materialized) if result.node.resource_type == 'model' else 'null' }},
            {{ sql_text(result.status) }},
            {{ result.execution_time or 0 }},
            {#- DuckDB does not report rows affected; a table's row count is cheap metadata #}
            {%- if result.node.resource_type == 'model' and result.status == 'success'
                and result.node.config.materialized in ('table', 'incremental') %}
            (select count(*) from {{ result.node.relation_name }}),
            {%- else %}
            null,
            {%- endif %}
            {{ result.failures if result.failures is not none else 'null' }},
            {{ sql_text((result.message or '')[:2000]) if result.message else 'null' }}
        ){{ "," if not loop.last }}
    {%- endfor %};
    {%- endif %}
{% endmacro %}

{#- Spark (parquet tables: no delete; one statement per call): the same two tables, with Spark's
    types, appended one statement at a time; rows_affected is null there (a count per model
    would cost a Spark job each). -#}
{% macro spark_record_run_history(results) %}
    {%- set failed = [] -%}
    {%- for result in results if result.status in ('error', 'fail', 'runtime error') -%}
        {%- do failed.append(result.node.unique_id) -%}
    {%- endfor -%}
    {%- set finished_at = modules.datetime.datetime.now(modules.pytz.utc) -%}
    {%- set elapsed = (finished_at - run_started_at).total_seconds() -%}
    {%- set audit = generate_schema_name('audit', none) -%}
    {%- do run_query('create database if not exists ' ~ audit) -%}
    {%- do run_query(
        'create table if not exists ' ~ audit ~ '.run_history (invocation_id string,'
        ~ ' command string, target_name string, started_at timestamp, finished_at timestamp,'
        ~ ' status string, elapsed_seconds double, nodes_total int, nodes_failed int)'
        ~ ' using parquet'
    ) -%}
    {%- do run_query(
        'create table if not exists ' ~ audit ~ '.node_history (invocation_id string,'
        ~ ' unique_id string, node_name string, resource_type string, materialized string,'
        ~ ' status string, elapsed_seconds double, rows_affected bigint, failures bigint,'
        ~ ' message string) using parquet'
    ) -%}
    {%- do run_query(
        'insert into ' ~ audit ~ '.run_history values ('
        ~ sql_text(invocation_id) ~ ', ' ~ sql_text(flags.WHICH) ~ ', '
        ~ sql_text(target.name) ~ ', timestamp '
        ~ sql_text(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) ~ ', timestamp '
        ~ sql_text(finished_at.strftime('%Y-%m-%d %H:%M:%S.%f')) ~ ', '
        ~ sql_text('error' if failed else 'success') ~ ', ' ~ elapsed ~ ', '
        ~ (results | length) ~ ', ' ~ (failed | length) ~ ')'
    ) -%}
    {%- set rows = [] -%}
    {%- for result in results -%}
        {%- do rows.append(
            '(' ~ sql_text(invocation_id) ~ ', ' ~ sql_text(result.node.unique_id) ~ ', '
            ~ sql_text(result.node.name) ~ ', ' ~ sql_text(result.node.resource_type) ~ ', '
            ~ (sql_text(result.node.config.materialized)
               if result.node.resource_type == 'model' else 'null') ~ ', '
            ~ sql_text(result.status) ~ ', ' ~ (result.execution_time or 0) ~ ', null, '
            ~ (result.failures if result.failures is not none else 'null') ~ ', '
            ~ (sql_text((result.message or '')[:2000]) if result.message else 'null') ~ ')'
        ) -%}
    {%- endfor -%}
    {%- if rows -%}
        {%- do run_query('insert into ' ~ audit ~ '.node_history values ' ~ rows | join(', ')) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
