{#- Nothing lost: for every raw file of every source, rows read = accepted + duplicate +
    quarantined. A source system plugs in with one row_accounting_for() call. -#}

with

bank as (
    {{ row_accounting_for(
        source_name='bank',
        files=ref('stg_bank__transaction_files'),
        accepted=ref('stg_bank__transactions'),
        duplicates=ref('base_bank__transactions'),
        duplicates_where="row_status = 'duplicate'",
        quarantined=ref('quarantine_bank__transactions'),
    ) }}
),

final as (
    select * from bank
)

select * from final
