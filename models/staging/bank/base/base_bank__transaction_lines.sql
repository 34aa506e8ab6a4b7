{{ raw_csv_lines(
    lines_source=source('bank', 'transaction_lines'),
    files_source=source('bank', 'transaction_files'),
) }}
