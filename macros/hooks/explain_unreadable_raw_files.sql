{#- on-run-end: when a node failed because DuckDB met bytes that are not UTF-8, name the raw
    file(s) at fault, as the contract promises, relative to RAW_DATA_DIR and with what to do
    (read_text()'s own message names one file, by its full path, in each failing model). Runs its (whole-file) check only after such a
    failure, so a successful build pays nothing for it. -#}
{% macro explain_unreadable_raw_files(results) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set encoding_failures = [] -%}
    {%- for result in results -%}
        {%- if result.status in ('error', 'fail') and 'utf-8' in (result.message or '') | lower -%}
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
                ~ '. Re-save it as UTF-8, or move it out of '
                ~ raw_dir ~ ', and build again.',
                info=true,
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
