"""The Dagster definitions of the project: `dagster dev -m analytics.orchestrate.definitions`
(what `make orchestrate` runs) loads `defs`."""

from dagster import Definitions

from analytics.orchestrate.assets import analytics_dbt
from analytics.orchestrate.triggers import (
    daily_schedule,
    full_build_job,
    source_jobs,
    source_sensors,
)

defs = Definitions(
    assets=[analytics_dbt],
    jobs=[full_build_job, *source_jobs.values()],
    sensors=source_sensors,
    schedules=[daily_schedule],
)
