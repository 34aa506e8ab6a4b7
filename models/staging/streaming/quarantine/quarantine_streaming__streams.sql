{#- Every rejected record of the streaming streams files (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_streaming__streams'), file_columns=['batch_date'], fields=[
    'id', 'user_id', 'movie_id', 'start_at', 'end_at', 'size_mb',
    'updated_at', 'deleted',
], record_number='record_number', raw_record='raw_record') }}
