{{ raw_csv_lines(
    text_source=source('trades', 'trade_texts'),
    files_source=source('trades', 'trade_files'),
) }}
