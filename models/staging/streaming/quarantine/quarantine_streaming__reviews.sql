{#- Every rejected record of the streaming reviews files (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_streaming__reviews'), file_columns=['batch_date'], fields=[
    'id', 'user_id', 'movie_id', 'rating', 'text', 'created_at', 'device', 'likes',
    'updated_at', 'deleted',
], record_number='record_number', raw_record='raw_record') }}
