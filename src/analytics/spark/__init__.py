"""The Spark port (docs/operations.md, "Spark"): the raw line tables as parquet files."""
