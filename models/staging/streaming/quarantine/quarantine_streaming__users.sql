{#- Every rejected record of the streaming users files (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_streaming__users'), file_columns=['batch_date'], fields=[
    'id', 'name', 'email', 'country', 'signup_date',
    'updated_at', 'deleted',
], record_number='record_number', raw_record='raw_record') }}
