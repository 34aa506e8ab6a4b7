{{ raw_csv_lines(
    lines_source=source('streaming', 'streaming_csv_lines'),
    files_source=source('streaming', 'streaming_csv_files'),
) }}
