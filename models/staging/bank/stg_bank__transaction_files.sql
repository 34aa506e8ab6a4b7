{{ raw_csv_file_inventory(
    files_source=source('bank', 'transaction_files'),
    lines=ref('base_bank__transaction_lines'),
    required_columns=[
        'TransactionID', 'CustomerID', 'CustomerDOB', 'CustGender', 'CustLocation',
        'CustAccountBalance', 'TransactionDate', 'TransactionTime', 'TransactionAmount (INR)',
    ],
    source_label='bank',
) }}
