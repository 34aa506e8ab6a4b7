{{ raw_csv_lines(
    text_source=source('streaming', 'streaming_csv_texts'),
    files_source=source('streaming', 'streaming_csv_files'),
) }}
