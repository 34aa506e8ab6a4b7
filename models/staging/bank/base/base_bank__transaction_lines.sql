{{ raw_csv_lines(
    text_source=source('bank', 'transaction_texts'),
    files_source=source('bank', 'transaction_files'),
) }}
