"""The pipeline health page: the last build, builds over time, failed nodes, recent runs, rows
per source over builds, and the top quarantine reasons with a drill-down to the rows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import charts
from analytics.dashboard import ui
from analytics.reports import queries

BUILDS_SHOWN = 30
RAW_TEXT_ROWS = 20


def page() -> None:
    st.title("Pipeline health")
    st.caption(
        "Every dbt build and how it ended (audit.run_history, audit.node_history), and where "
        "the rows of each build went (marts.data_quality_by_build, "
        "marts.quarantine_reasons_by_build)."
    )
    if ui.has_data("the run history", "audit.run_history"):
        last_build()
    if ui.has_data("the data quality history", "marts.data_quality_by_build"):
        rows_over_builds()
    if ui.has_data("quarantine reasons", "marts.quarantine_reasons_by_build"):
        quarantine()
    ui.footer()


def last_build() -> None:
    builds = ui.fetch(queries.builds(BUILDS_SHOWN))
    last = builds.first()
    st.header("The last build")
    if last is None:
        st.info("No build in the run history yet (only other dbt commands).")
    else:
        columns = st.columns([3, 3, 2, 2])
        with columns[0]:
            ui.metric("started (UTC)", last["started_at"])
        with columns[1]:
            ui.metric("ended (UTC)", last["finished_at"])
        with columns[2]:
            ui.metric("duration", last["elapsed_seconds"], 1, "s")
        with columns[3]:
            ui.metric("status", last["status"])
        st.caption(
            f"{last['nodes_total']:,} nodes, {last['nodes_failed']:,} failed;"
            f" target {last['target_name']}; invocation {last['invocation_id']}"
        )
        ui.show(charts.build_durations(builds.frame()))
        st.subheader("Nodes of the last build that did not pass")
        problems = ui.fetch(queries.node_problems(last["invocation_id"]))
        if problems.rows:
            ui.table(problems, ("node", "type", "status", "failures", "message"))
        else:
            st.success("Every node of the last build passed.")
    st.subheader("Recent runs")
    ui.table(
        ui.fetch(queries.recent_runs(20)),
        (
            "started at (UTC)",
            "finished at (UTC)",
            "command",
            "target",
            "status",
            "seconds",
            "nodes",
            "failed",
            "invocation",
        ),
        {5: 1},
    )


def rows_over_builds() -> None:
    st.header("Rows per source over builds")
    every = ui.fetch(queries.distinct_values("marts.data_quality_by_build", "source_name"))
    names = [row[0] for row in every.rows]
    chosen = st.multiselect("Sources", names, default=names, key="accounting_sources")
    accounting = ui.fetch(queries.accounting_by_build(chosen, last_builds=BUILDS_SHOWN)).frame()
    if not accounting.empty:
        per_build = (
            accounting.groupby(["invocation_id", "built_at"], as_index=False)[
                ["rows_read", "rows_accepted", "rows_duplicate", "rows_quarantined"]
            ]
            .sum()
            .sort_values("built_at")
        )
        per_build["build"] = [
            pd.Timestamp(t).strftime("%Y-%m-%d %H:%M:%S") for t in per_build["built_at"]
        ]
        ui.show(
            charts.rows_by_outcome(
                per_build,
                by="build",
                title="Rows read per build: accepted, duplicate, quarantined",
                subtitle=f"the last {len(per_build)} build(s); sources: {', '.join(chosen)}",
            )
        )
    st.subheader("The last build, per source")
    last = ui.fetch(queries.last_accounting())
    ui.table(
        last,
        ("source", "files", "read", "accepted", "duplicate", "quarantined", "quarantined %"),
    )


def quarantine() -> None:
    st.header("Quarantine reasons in the last build")
    reasons = ui.fetch(queries.last_quarantine_reasons()).frame()
    top = st.slider("Reasons shown before 'other'", 5, 40, 12, key="top_reasons")
    ui.show(charts.quarantine_reasons(reasons, top=top, subtitle="by source and reason"))
    st.subheader("Drill down: the quarantined rows of one reason")
    options = [
        f"{source}: {reason} ({rows:,} rows)"
        for source, reason, rows in reasons.itertuples(index=False)
    ]
    choice = st.selectbox("Source and reason", options, key="drill_reason")
    if choice is None:
        return
    source, reason, _ = reasons.iloc[options.index(choice)]
    tables = [row[0] for row in ui.fetch(queries.quarantine_tables()).rows]
    table = queries.quarantine_table_of(source, tables)
    if table is None:
        st.info(f"No quarantine table for {source} in this warehouse.")
        return
    rows = ui.fetch(queries.quarantined_rows(table, reason))
    frame = rows.frame()
    ui.metric(f"rows in quarantine.{table} for {reason}", len(rows.rows), 0)
    # every quarantine table has the same provenance columns, whatever the source
    shown = frame[["source_file", "record_number", "raw_record"]].head(RAW_TEXT_ROWS)
    st.caption(
        f"The first {len(shown)} of them with their raw text, as read from the file"
        " (every column of every row below)."
    )
    ui.frame_table(
        shown.rename(
            columns={
                "source_file": "file",
                "record_number": "record number",
                "raw_record": "raw text",
            }
        )
    )
    st.dataframe(frame, hide_index=True)
