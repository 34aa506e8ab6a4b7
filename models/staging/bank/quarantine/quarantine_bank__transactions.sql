{#- Every rejected bank row, its reason and its text as delivered (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_bank__transactions'), fields=[
    'transaction_id', 'customer_id', 'customer_dob', 'gender', 'location', 'account_balance',
    'transaction_date', 'transaction_time', 'transaction_amount',
]) }}
