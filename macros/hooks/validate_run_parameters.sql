{#- on-run-start: refuse run-time parameters that could break out of the SQL they are spliced
    into (RAW_DATA_DIR becomes part of read_csv('...') calls), and every var that is not a
    value of its type, before anything runs. -#}
{% macro validate_run_parameters() %}
    {%- set raw_dir = var('raw_data_dir') -%}
    {%- if not raw_dir or modules.re.search("['\"`;\\\\\x00-\x1f]", raw_dir) -%}
        {{ exceptions.raise_compiler_error(
            "RAW_DATA_DIR=" ~ raw_dir ~ " is not allowed: paths may not contain quotes, "
            ~ "backslashes, semicolons or control characters"
        ) }}
    {%- endif -%}
    {#- every var a build splices into SQL, checked as its type (checked_var) -#}
    {%- do checked_var('max_quarantined_share', 'share', 0.5) -%}
    {%- do checked_var('sales_outlier_iqr_k', 'positive_number', 1.5) -%}
    {%- do checked_var('sales_outlier_min_lines', 'positive_integer', 4) -%}
    {%- do retail_as_of_date() -%}
    {{ return('') }}
{% endmacro %}
