{#- A delivery whose rows are mostly rejected is probably broken as a whole (a changed export,
    a wrong file): fail when any file's quarantined share exceeds max_share. -#}
{% test quarantined_share_at_most(model, max_share) %}

select
    source_name,
    source_file,
    rows_read,
    rows_quarantined
from {{ model }}
where rows_read > 0 and rows_quarantined > {{ max_share }} * rows_read

{% endtest %}
