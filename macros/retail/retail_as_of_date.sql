{#- The retail build's as-of date (var retail_as_of_date, an ISO date): a transaction after it
    is quarantined as future_transaction_ts, and customer recency is counted up to it. Fixed by
    default (2024-12-31, the last day of the sample) so that builds are reproducible. Checked
    by checked_var, so that a malformed or impossible date stops the build. -#}
{% macro retail_as_of_date() -%}
    {{ return(checked_var('retail_as_of_date', 'date', '2024-12-31')) }}
{%- endmacro %}
