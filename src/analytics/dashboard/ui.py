"""What every dashboard page shares: cached reads of the published warehouse, charts, tables
and numbers formatted the way the report formats them, and the no-data notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import altair as alt
import pandas as pd
import streamlit as st

from analytics import charts
from analytics.dashboard.warehouse import FileVersion, Warehouse, WarehouseUnavailable
from analytics.reports import queries
from analytics.reports.common import fmt
from analytics.reports.html import no_data_note

# Cached answers are kept at most this long (a backstop: the key already changes with the file).
CACHE_SECONDS = 600


def warehouse() -> Warehouse:
    return Warehouse.from_environment()


@st.cache_data(ttl=CACHE_SECONDS, max_entries=1000, show_spinner=False)
def _fetch(path: str, version: FileVersion, sql: str, params: tuple[Any, ...]) -> queries.Result:
    """One query on a fresh read-only connection; cached per file version, so the first page
    shown after a build publishes reads the new file."""
    del version  # part of the cache key only
    return Warehouse(Path(path)).fetch(queries.Query(sql, params))


def version() -> FileVersion:
    current = warehouse().version()
    if current is None:
        unavailable(f"No warehouse at {warehouse().path}: run `make build` first.")
    return current


def fetch(query: queries.Query) -> queries.Result:
    try:
        return _fetch(str(warehouse().path), version(), query.sql, query.params)
    except WarehouseUnavailable as error:
        unavailable(str(error))


def unavailable(message: str) -> NoReturn:
    st.warning(message)
    st.stop()


def rows_in(relation: str) -> int | None:
    """Rows of a table, or None when the warehouse has no such table."""
    if not fetch(queries.table_exists(relation)).rows[0][0]:
        return None
    return int(fetch(queries.Query(f"select count(*) from {relation}")).rows[0][0])


def has_data(source: str, *relations: str) -> bool:
    """Whether every table has rows; a plain note for each one that is missing or empty."""
    ready = True
    for relation in relations:
        note = no_data_note(source, relation, rows_in(relation))
        if note:
            st.info(note)
            ready = False
    return ready


def show(chart: alt.TopLevelMixin, *, stretch: bool = True) -> None:
    """A chart of analytics.charts, with the look the report has (not Streamlit's theme)."""
    st.altair_chart(charts.finish(chart), theme=None, width="stretch" if stretch else "content")


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(text: str) -> str:
    """Text that st.table shows as it is: its cells are Markdown, so every ASCII punctuation
    mark is escaped (raw quarantined lines hold `*`, `_`, `#`, `|`, `$`...)."""
    return _PUNCTUATION.sub(r"\\\1", text)


def frame_table(frame: pd.DataFrame) -> None:
    """A small table of text, shown literally."""
    shown = frame.map(lambda v: literal(fmt(v, 2)) if v is not None else "")
    shown.columns = [literal(str(c)) for c in frame.columns]
    st.table(shown, hide_index=True)


def table(
    result: queries.Result,
    header: Sequence[str],
    decimals: dict[int, int] | None = None,
) -> None:
    """A small table with every value formatted as in the report (thousands separators,
    2 decimals unless told), so what it shows is the warehouse's number."""
    decimals = decimals or {}
    frame = pd.DataFrame(
        [[literal(fmt(v, decimals.get(i, 2))) for i, v in enumerate(row)] for row in result.rows],
        columns=[literal(h) for h in header],
    )
    st.table(frame, hide_index=True)


def metric(label: str, value: Any, decimals: int = 2, unit: str = "") -> None:
    shown = fmt(value, decimals)
    st.metric(label, f"{shown} {unit}".strip() if shown else "none")


def date_range(label: str, first: date, last: date, key: str) -> tuple[date, date]:
    """A from-to date filter over [first, last]; a half-chosen range counts as one day."""
    if first == last:
        st.caption(f"{label}: {first.isoformat()} (the only one with data)")
        return first, last
    chosen = st.date_input(
        label,
        value=(first, last),
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        key=key,
    )
    if isinstance(chosen, date):
        return chosen, chosen
    if len(chosen) == 1:
        return chosen[0], chosen[0]
    return chosen[0], chosen[1]


def footer() -> None:
    """The last line of every page: which file was read, and when it was published."""
    current = version()
    st.caption(
        f"Read-only from {warehouse().path}, published {current.published_at:%Y-%m-%d %H:%M:%S}"
        " UTC. A new build is picked up on the next refresh: every query opens the file afresh."
    )
