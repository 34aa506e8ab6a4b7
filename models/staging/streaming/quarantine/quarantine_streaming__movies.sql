{#- Every rejected record of the streaming movies files (macro quarantine_rows). -#}
{{ quarantine_rows(ref('base_streaming__movies'), file_columns=['batch_date'], fields=[
    'id', 'title', 'duration_mins', 'based_on_book', 'book_id', 'release_year',
    'updated_at', 'deleted',
], record_number='record_number', raw_record='raw_record') }}
