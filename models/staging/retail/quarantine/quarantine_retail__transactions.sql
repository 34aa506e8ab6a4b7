{#- Every rejected retail row, its reason and its text as delivered (macro quarantine_rows).
    The base model keeps only the raw line; the raw values are split from it again here, by
    the file's header (quarantined rows are few). -#}
{{ quarantine_rows(
    ref('base_retail__transactions'), fields=retail_columns(),
    split_by_header=ref('stg_retail__transaction_files'),
) }}
