{#- Nothing lost: fails on every file for which the rows read from the file differ from the
    rows accepted + duplicate + quarantined. -#}
{% test row_accounting_balances(model) %}

select
    source_name,
    source_file,
    rows_read,
    rows_accepted,
    rows_duplicate,
    rows_quarantined,
    rows_read - (rows_accepted + rows_duplicate + rows_quarantined) as rows_unaccounted
from {{ model }}
where rows_read <> rows_accepted + rows_duplicate + rows_quarantined

{% endtest %}
