{{ raw_csv_file_inventory(
    files_source=source('trades', 'trade_files'),
    lines=ref('base_trades__trade_lines'),
    required_columns=[
        'timestamp', 'user_id', 'client_type', 'symbol', 'side', 'quantity', 'price',
    ],
    source_label='trades',
) }}
