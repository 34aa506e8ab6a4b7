{#- Every rejected record of the streaming books files (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_streaming__books'), file_columns=['batch_date'], fields=[
    'id', 'title', 'author_id', 'published_year', 'publisher', 'genres', 'isbn',
    'updated_at', 'deleted',
], record_number='record_number', raw_record='raw_record') }}
