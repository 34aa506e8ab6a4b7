{#- The materialization of a model that is incremental by an upsert, a delete+insert or a
    delete-then-append pre-hook: `incremental`, except on Spark, where plain parquet tables
    (no Delta or Iceberg here) take neither MERGE nor DELETE: there the model is a `table`,
    rebuilt whole by every build, with the rows a full DuckDB build gives (docs/operations.md,
    "Spark"). The append-only histories stay incremental everywhere. -#}
{% macro incremental_materialization() -%}
    {{- return('table' if target.type == 'spark' else 'incremental') -}}
{%- endmacro %}
