{#- on-run-start: refuse run-time parameters that could break out of the SQL they are spliced
    into (RAW_DATA_DIR becomes part of read_csv('...') calls) before anything runs. -#}
{% macro validate_run_parameters() %}
    {%- set raw_dir = var('raw_data_dir') -%}
    {%- if not raw_dir or modules.re.search("['\"`;\\\\\x00-\x1f]", raw_dir) -%}
        {{ exceptions.raise_compiler_error(
            "RAW_DATA_DIR=" ~ raw_dir ~ " is not allowed: paths may not contain quotes, "
            ~ "backslashes, semicolons or control characters"
        ) }}
    {%- endif -%}
    {%- set share = var('max_quarantined_share', 0.5) | string -%}
    {%- if not modules.re.fullmatch('(0|1)?([.][0-9]+)?|1', share) -%}
        {{ exceptions.raise_compiler_error(
            "max_quarantined_share=" ~ share ~ " is not a number between 0 and 1"
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
