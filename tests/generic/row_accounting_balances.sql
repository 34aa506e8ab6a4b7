{#- Nothing lost: fails on every file whose records or lines do not add up. Records: the
    rows read from the file = accepted + duplicate + quarantined. Lines (CSV files): the file's
    physical lines = header + blank + comment lines + the lines of its accepted, duplicate and
    quarantined records. -#}
{% test row_accounting_balances(model) %}

select
    source_name,
    source_file,
    rows_read,
    rows_accepted,
    rows_duplicate,
    rows_quarantined,
    rows_read - (rows_accepted + rows_duplicate + rows_quarantined) as rows_unaccounted,
    physical_lines,
    physical_lines - (
        header_lines + blank_lines + comment_lines
        + lines_accepted + lines_duplicate + lines_quarantined
    ) as lines_unaccounted
from {{ model }}
where
    rows_read <> rows_accepted + rows_duplicate + rows_quarantined
    or physical_lines <> header_lines + blank_lines + comment_lines
    + lines_accepted + lines_duplicate + lines_quarantined

{% endtest %}
