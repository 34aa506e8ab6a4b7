{{ raw_csv_lines(
    lines_source=source('sales', 'sales_lines'),
    files_source=source('sales', 'sales_files'),
    comment_prefix='#',
) }}
