{{ raw_csv_lines(
    text_source=source('sales', 'sales_texts'),
    files_source=source('sales', 'sales_files'),
    comment_prefix='#',
) }}
