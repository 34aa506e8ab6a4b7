{{ raw_csv_lines(
    lines_source=source('trades', 'trade_lines'),
    files_source=source('trades', 'trade_files'),
) }}
