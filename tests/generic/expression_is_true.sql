{#- Mirror of dbt_utils.expression_is_true (same name, arguments and semantics): fails on every
    row for which the expression is false. A null result passes, as in dbt_utils. With
    column_name, the expression is applied to that column. -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
{%- if column_name is none %}
where not ({{ expression }})
{%- else %}
where not ({{ column_name }} {{ expression }})
{%- endif %}

{% endtest %}
