{#- The retail build's as-of date (var retail_as_of_date, an ISO date): a transaction after it
    is quarantined as future_transaction_ts, and customer recency is counted up to it. Fixed by
    default (2024-12-31, the last day of the sample) so that builds are reproducible. Checked
    here so that a malformed value stops the build instead of reaching the SQL. -#}
{% macro retail_as_of_date() -%}
    {%- set value = var('retail_as_of_date', '2024-12-31') | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) -%}
        {{ exceptions.raise_compiler_error(
            'var retail_as_of_date must be an ISO date (YYYY-MM-DD), got: ' ~ value
        ) }}
    {%- endif -%}
    {{ value }}
{%- endmacro %}
