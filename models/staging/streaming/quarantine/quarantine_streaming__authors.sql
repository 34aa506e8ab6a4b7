{#- Every rejected record of the streaming authors files (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_streaming__authors'), file_columns=['batch_date'], fields=[
    'id', 'name', 'nationality', 'birth_date', 'birth_city', 'birth_country',
    'updated_at', 'deleted',
], record_number='record_number', raw_record='raw_record') }}
