"""The orchestrator (`make orchestrate`): Dagster with dagster-dbt over this dbt project.

project.py reads the manifest (every model, seed and snapshot an asset, grouped by source;
every dbt test an asset check), assets.py builds them through `analytics-build`,
triggers.py starts builds (a sensor per raw folder, a daily schedule), definitions.py holds
them all (`defs`).
"""
