{#- Every rejected sales line with its file's channel, its reason and its text as delivered
    (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_sales__order_lines'), file_columns=['channel'], fields=[
    'order_id', 'ordered_at', 'product_id', 'quantity', 'unit_price',
]) }}
