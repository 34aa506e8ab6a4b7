{#- How the retail marts update only what new data touched.

    base_retail__transactions stamps every row it (re)writes with the build's invocation id.
    The keys a build touched are the keys of those rows, whatever their status (a row that
    became a conflict must leave the mart), read from int_retail__transactions_loaded.
    retail_touched_keys(grain, loaded) selects them from `loaded` (that model, which the mart
    refs), for a grain of `transaction_date`, `transaction_month`,
    `transaction_month_and_next` (a month's growth also depends on the month before) or
    `customer_id`. retail_delete_touched(grain) is a mart's pre-hook: it deletes the mart rows
    of those keys, and the model then appends the recomputed rows. Deleting first (rather than
    dbt's delete+insert on the new rows' keys) also removes a key that has no rows any more. -#}
{% macro retail_touched_keys(grain, loaded) -%}
    {%- set expressions = {
        'transaction_date': 'transaction_date',
        'transaction_month': 'transaction_month',
        'transaction_month_and_next': 'transaction_month',
        'customer_id': 'customer_id',
    } -%}
    {%- set touched -%}
        select distinct {{ expressions[grain] }} as touched_key
        from {{ loaded }}
        where
            loaded_by_invocation_id = {{ sql_text(invocation_id) }}
            and {{ expressions[grain] }} is not null
    {%- endset -%}
    {%- if grain == 'transaction_month_and_next' -%}
        select touched_key from ({{ touched }}) as touched_months
        union
        select {{ retail_next_month('touched_key') }} from ({{ touched }}) as touched_months
    {%- else -%}
        {{ touched }}
    {%- endif -%}
{%- endmacro %}

{#- A retail mart's import CTE: the categorized transactions, on an incremental build only those
    of the keys the build touched (grain transaction_date, transaction_month or customer_id).
    It refs int_retail__transactions_loaded on every parse, so dbt's lineage shows that the
    mart depends on it (the filter that reads it renders on incremental builds only). -#}
{% macro retail_mart_transactions(grain) -%}
    {%- set loaded = ref('int_retail__transactions_loaded') -%}
    select * from {{ ref('int_retail_transactions_categorized') }}
    {%- if is_incremental() %}
    where {{ grain }} in ({{ retail_touched_keys(grain, loaded) }})
    {%- endif %}
{%- endmacro %}

{% macro retail_delete_touched(grain) -%}
    {%- set mart_key = 'transaction_month' if grain.startswith('transaction_month') else grain -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ mart_key }} in (
        {{- retail_touched_keys(grain, ref('int_retail__transactions_loaded')) -}}
    )
    {%- else -%}
    select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}

{#- The first day of the month after a month (portable). -#}
{% macro retail_next_month(month_column) -%}
    cast({{ dbt.dateadd('month', 1, month_column) }} as date)
{%- endmacro %}
