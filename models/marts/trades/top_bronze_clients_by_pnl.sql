{#- The seed's report: the top 3 bronze clients by total PnL over all weeks and symbols;
    ties by total volume, then by the smaller user_id (see the top_bronze_clients macro). -#}
{{ top_bronze_clients(ref('weekly_trades'), ranked_by='total_pnl') }}
