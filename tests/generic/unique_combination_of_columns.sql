{#- Mirror of dbt_utils.unique_combination_of_columns (same name and arguments): fails on every
    combination of the columns that occurs more than once. The primary-key test of a model
    whose grain is several columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}

{%- if quote_columns %}
    {%- set columns = [] %}
    {%- for column in combination_of_columns %}
        {%- do columns.append(adapter.quote(column)) %}
    {%- endfor %}
{%- else %}
    {%- set columns = combination_of_columns %}
{%- endif %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
