{#- A path as DuckDB reports it (RAW_DATA_DIR/bank/2016_08.csv) made relative to RAW_DATA_DIR
    (bank/2016_08.csv), the way every model and the accounting name a file. -#}
{% macro relative_source_file(path_column) -%}
    {%- set prefix = var('raw_data_dir').rstrip('/') ~ '/' -%}
    {%- set relative -%}
        case
            when starts_with({{ path_column }}, {{ sql_text(prefix) }})
                then substr({{ path_column }}, {{ prefix | length + 1 }})
            else {{ path_column }}
        end
    {%- endset -%}
    {{ strip_chars(relative, "'/'", 'leading') }}
{%- endmacro %}
