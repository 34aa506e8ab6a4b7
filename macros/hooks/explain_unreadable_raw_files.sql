{#- on-run-end: when a node failed because DuckDB met bytes that are not UTF-8, name the raw
    file(s) at fault. DuckDB's own message gives the line but not the file, and the contract
    promises an error that names the file. Runs its (whole-file) check only after such a
    failure, so a successful build pays nothing for it. -#}
{% macro explain_unreadable_raw_files(results) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set encoding_failures = [] -%}
    {%- for result in results -%}
        {%- if result.status in ('error', 'fail') and 'not utf-8' in (result.message or '') | lower -%}
            {%- do encoding_failures.append(result.node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if encoding_failures -%}
        {%- set raw_dir = var('raw_data_dir').rstrip('/') -%}
        {%- set unreadable = run_query(
            "select " ~ relative_source_file('filename') ~ " as source_file"
            ~ " from read_blob(" ~ sql_text(raw_dir ~ '/**') ~ ")"
            ~ " where try(decode(content)) is null order by 1"
        ) -%}
        {%- for row in unreadable.rows -%}
            {{ log(
                'ERROR: raw file ' ~ row[0] ~ ' is not UTF-8: it cannot be read'
                ~ ' (see the line DuckDB reports above). Re-save it as UTF-8, or move it out of '
                ~ raw_dir ~ ', and build again.',
                info=true,
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
