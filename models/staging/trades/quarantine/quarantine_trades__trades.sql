{#- Every rejected trades row, its reason and its text as delivered (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_trades__trades'), fields=[
    'timestamp', 'user_id', 'client_type', 'symbol', 'side', 'quantity', 'price',
]) }}
