{#- Mirror of dbt_utils.at_least_one (same name and arguments): fails when the column has no
    non-null value at all, i.e. the model is empty. -#}
{% test at_least_one(model, column_name) %}

select count({{ column_name }}) as non_null_values
from {{ model }}
having count({{ column_name }}) = 0

{% endtest %}
