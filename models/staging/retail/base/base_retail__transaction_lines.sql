{#- The records of the retail files this build loads (those the file inventory does not list
    yet), cut from their text once: the file inventory and base_retail__transactions both read
    them here (raw_csv_records_of_files) instead of cutting each file twice. A table on DuckDB,
    rebuilt by every build with the new files only (the next day's file, not the history). -#}
{%- set files_source = source('retail', 'transaction_files') %}
{%- set new_files = raw_csv_files_to_cut(files_source, 'stg_retail__transaction_files') %}

{{ raw_csv_lines(
    text_source=raw_texts_of_files(source('retail', 'transaction_texts'), new_files),
    files_source=raw_files_relation(new_files),
) }}
