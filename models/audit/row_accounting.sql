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

retail as (
    {{ row_accounting_for(
        source_name='retail',
        files=ref('stg_retail__transaction_files'),
        accepted=ref('stg_retail__transactions'),
        duplicates=ref('base_retail__transactions'),
        duplicates_where="row_status = 'duplicate'",
        quarantined=ref('quarantine_retail__transactions'),
    ) }}
),

final as (
    select * from bank
    union all
    select * from retail
)

select * from final
