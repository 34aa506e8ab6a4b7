"""The one chart module: every chart of the dashboard and of the HTML report.

Each function takes a pandas DataFrame (from `analytics.reports.queries`) and returns an Altair
chart, that is a Vega-Lite specification. The dashboard hands it to Streamlit
(`st.altair_chart`, drawn in the browser by the Vega-Lite that Streamlit bundles, offline); the
report renders the same specification to PNG with vl-convert (`png`), also offline. So both
show the same chart, and a fix here fixes both.

The rules every chart follows (tests/python/test_charts.py checks them on the sample):

- **Time axes fitted to the data.** Days, weeks and months are an ordered axis of every period
  from the first to the last one in the data (`periods`): no empty years around one month, one
  tick per day for daily data, and a period without data shows as a gap, not as nothing. With
  one or two periods a chart draws grouped bars instead of lines (a line of one point is a dot).
- **Levels and bars start at zero** (`zero=True` on every quantitative axis of a level).
- **Distinct colours per category**: `category_scale` gives each category its own colour from
  a 20-colour palette, in a stable order (sorted names), so a category keeps its colour across
  charts.
- **Units and currency in the axis titles**: `money` names the currency of a source; bank
  amounts are INR (the data contract says so); the other sources' files carry no currency, so
  their amounts are shown with the generic currency sign ¤ and `CURRENCY_NOTE` says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

import altair as alt
import pandas as pd

Grain = Literal["day", "week", "month"]

# Tableau's 10 colours, then 10 more that differ from them: up to 20 categories get one each.
PALETTE: tuple[str, ...] = (
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#76B7B2",
    "#59A14F",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#1F3A93",
    "#8CD17D",
    "#B6992D",
    "#D37295",
    "#499894",
    "#FFBE7D",
    "#6B4C9A",
    "#A0CBE8",
    "#79706E",
    "#2CA02C",
)
STATUS_COLOURS: dict[str, str] = {
    "success": "#59A14F",
    "pass": "#59A14F",
    "no-op": "#BAB0AC",
    "skipped": "#BAB0AC",
    "warn": "#F28E2B",
    "error": "#E15759",
    "fail": "#E15759",
    "runtime error": "#E15759",
}
OUTCOMES: dict[str, str] = {
    "accepted": "#59A14F",
    "duplicate": "#4E79A7",
    "quarantined": "#E15759",
}
# The currency of each source's money columns. Only the bank's is named by the data contract
# (`TransactionAmount (INR)`); the others are in their files' currency, which nobody named.
CURRENCIES: dict[str, str] = {"bank": "INR", "trades": "¤", "sales": "¤", "retail": "¤"}
CURRENCY_NOTE = (
    "Amounts marked ¤ are in the currency of the source's files: the data contract does not "
    "name it (only the bank's amounts are INR)."
)
PNL_NOTE = (
    "The mart's total_pnl is signed cash, as in the seed: price times quantity, negative for buys "
    "and positive for sells. It is the net cash flow of the trades, not a profit: shares "
    "bought and still held count as a loss. A large negative sum means the clients bought "
    "more than they sold."
)
WIDTH = 720
OTHER = "other"


def money(source: str, what: str = "amount") -> str:
    """An axis or column title with the source's currency: 'revenue (¤)', 'amount (INR)'."""
    return f"{what} ({CURRENCIES.get(source, '¤')})"


# --- periods -------------------------------------------------------------------------------


def as_date(value: Any) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def period_start(value: Any, grain: Grain) -> date:
    day = as_date(value)
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def period_label(value: Any, grain: Grain) -> str:
    """2025-09-12 (a day), 2024-01-08 (the Monday of a week), 2024-12 (a month)."""
    start = period_start(value, grain)
    return start.strftime("%Y-%m") if grain == "month" else start.isoformat()


def periods(values: Iterable[Any], grain: Grain) -> list[str]:
    """Every period from the first to the last of `values`, in order (the axis of a chart)."""
    starts = sorted({period_start(v, grain) for v in values if v is not None and not pd.isna(v)})
    if not starts:
        return []
    labels, current, last = [], starts[0], starts[-1]
    while current <= last:
        labels.append(period_label(current, grain))
        if grain == "day":
            current += timedelta(days=1)
        elif grain == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return labels


# --- scales and finishing ------------------------------------------------------------------


def category_scale(categories: Iterable[Any], colours: dict[str, str] | None = None) -> alt.Scale:
    """A colour per category: the given colours, else the palette in sorted order."""
    domain = sorted({str(c) for c in categories if c is not None})
    if colours:
        return alt.Scale(domain=domain, range=[colours.get(c, "#79706E") for c in domain])
    return alt.Scale(domain=domain, range=[PALETTE[i % len(PALETTE)] for i in range(len(domain))])


def finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The look shared by every chart, applied once at the top level where it is shown (`png`
    for the report, the dashboard's `show`): the functions below return charts without it, so
    that they can be put together (`alt.vconcat`)."""
    return (
        chart.configure_axis(labelFontSize=11, titleFontSize=12, grid=True, gridOpacity=0.4)
        .configure_title(fontSize=14, anchor="start", subtitleFontSize=11, subtitleColor="#555")
        .configure_legend(labelFontSize=11, titleFontSize=12, orient="right")
        .configure_view(stroke=None)
    )


def _title(text: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    if subtitle:
        return alt.TitleParams(text=text, subtitle=subtitle)
    return alt.TitleParams(text=text)


def png(chart: alt.TopLevelMixin, scale: float = 1.5) -> bytes:
    """The chart as a PNG, rendered offline by vl-convert (no browser, no network)."""
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(finish(chart).to_json(), scale=scale))


def _empty(title: str) -> alt.Chart:
    frame = pd.DataFrame({"text": ["no data for this selection"]})
    return alt.Chart(frame, title=title).mark_text(size=14, color="#555").encode(text="text:N")


# --- charts over time ----------------------------------------------------------------------


def over_time(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    category: str | None,
    grain: Grain,
    title: str,
    y_title: str,
    subtitle: str | Sequence[str] | None = None,
    colours: dict[str, str] | None = None,
    y_format: str = ",.0f",
    width: int = WIDTH,
    height: int = 300,
) -> alt.TopLevelMixin:
    """A level per period (and per category): lines with points on an axis of every period,
    or grouped bars when there are only one or two periods."""
    if frame.empty:
        return _empty(title).properties(width=width, height=height)
    data = frame.copy()
    data[x] = [period_label(v, grain) for v in data[x]]
    axis_periods = periods(frame[x], grain)
    x_title = {"day": "day", "week": "week (starting Monday)", "month": "month"}[grain]
    x_axis = alt.Axis(labelAngle=0 if len(axis_periods) <= 8 else -45, labelOverlap="greedy")
    tooltip = [alt.Tooltip(f"{x}:N", title=x_title), alt.Tooltip(f"{y}:Q", format=y_format)]
    encoding: dict[str, Any] = {
        "y": alt.Y(
            f"{y}:Q", title=y_title, scale=alt.Scale(zero=True), axis=alt.Axis(format=y_format)
        ),
    }
    if category:
        encoding["color"] = alt.Color(
            f"{category}:N",
            title=category.replace("_", " "),
            scale=category_scale(data[category], colours),
        )
        tooltip.insert(0, alt.Tooltip(f"{category}:N"))
    bars = len(axis_periods) <= 2
    if bars:
        chart = alt.Chart(data).mark_bar()
        encoding["x"] = alt.X(
            f"{x}:O", title=x_title, scale=alt.Scale(domain=axis_periods), axis=x_axis
        )
        if category:
            encoding["xOffset"] = alt.XOffset(f"{category}:N", sort="ascending")
    else:
        chart = alt.Chart(data).mark_line(point=True)
        encoding["x"] = alt.X(
            f"{x}:O", title=x_title, scale=alt.Scale(domain=axis_periods), axis=x_axis
        )
    chart = chart.encode(**encoding, tooltip=tooltip)
    return chart.properties(title=_title(title, subtitle), width=width, height=height)


def small_multiples(
    frame: pd.DataFrame,
    *,
    x: str,
    grain: Grain,
    panels: Sequence[tuple[str, str, str]],
    title: str,
    width: int = WIDTH,
) -> alt.TopLevelMixin:
    """One small chart per measure (their units differ), sharing one axis of every period; a
    period without a value is a gap. `panels`: (column, label, number format)."""
    data = frame.copy()
    data[x] = [period_label(v, grain) for v in data[x]]
    axis_periods = periods(frame[x], grain)
    charts = []
    for index, (column, label, number_format) in enumerate(panels):
        colour = PALETTE[index % len(PALETTE)]
        last = index == len(panels) - 1
        x_axis = alt.Axis(labelAngle=0 if len(axis_periods) <= 8 else -45, labelOverlap="greedy")
        base = alt.Chart(data, title=alt.TitleParams(label, fontSize=12)).encode(
            x=alt.X(
                f"{x}:O",
                title=grain if last else None,
                scale=alt.Scale(domain=axis_periods),
                axis=x_axis if last else alt.Axis(labels=False, ticks=False, title=None),
            ),
            y=alt.Y(
                f"{column}:Q",
                title=None,
                scale=alt.Scale(zero=True),
                axis=alt.Axis(format=number_format),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:N", title=grain),
                alt.Tooltip(f"{column}:Q", title=label, format=number_format),
            ],
        )
        if len(axis_periods) <= 2:
            panel = base.mark_bar(color=colour)
        else:
            panel = base.mark_line(point={"color": colour}, color=colour)
        charts.append(panel.properties(width=width, height=110))
    return alt.vconcat(*charts, title=_title(title)).resolve_scale(y="independent")


# --- charts of the pipeline ----------------------------------------------------------------


def build_durations(builds: pd.DataFrame, *, width: int = WIDTH) -> alt.TopLevelMixin:
    """One bar per build (`started_at`, `elapsed_seconds`, `status`), oldest first, in seconds
    from zero, coloured by status and labelled with its duration: readable with one build."""
    title = "Build duration"
    if builds.empty:
        return _empty(title).properties(width=width, height=200)
    data = builds.sort_values("started_at").copy()
    data["build"] = [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M:%S") for t in data["started_at"]]
    subtitle = f"the last {len(data)} build(s), oldest first (UTC start time)"
    base = alt.Chart(data).encode(
        x=alt.X(
            "build:O",
            title="build started at",
            sort=None,
            axis=alt.Axis(labelAngle=0 if len(data) <= 4 else -45, labelOverlap="greedy"),
        ),
        y=alt.Y("elapsed_seconds:Q", title="duration (seconds)", scale=alt.Scale(zero=True)),
        tooltip=[
            alt.Tooltip("build:N", title="started at"),
            alt.Tooltip("status:N"),
            alt.Tooltip("elapsed_seconds:Q", title="seconds", format=",.1f"),
        ],
    )
    bars = base.mark_bar(size=min(40, max(6, width // max(len(data), 1) - 4))).encode(
        color=alt.Color(
            "status:N", title="status", scale=category_scale(data["status"], STATUS_COLOURS)
        )
    )
    labels = base.mark_text(dy=-6, fontSize=10).encode(
        text=alt.Text("elapsed_seconds:Q", format=",.0f")
    )
    return alt.layer(bars, labels).properties(
        title=_title(title, subtitle), width=width, height=280
    )


def rows_by_outcome(
    frame: pd.DataFrame, *, by: str, title: str, subtitle: str | None = None, width: int = WIDTH
) -> alt.TopLevelMixin:
    """Stacked horizontal bars: the rows of each `by` (a source, a build) that were accepted,
    duplicate or quarantined (columns rows_accepted, rows_duplicate, rows_quarantined)."""
    if frame.empty:
        return _empty(title).properties(width=width, height=120)
    order = [str(v) for v in frame[by]]
    data = frame.assign(**{by: order}).melt(
        id_vars=[by],
        value_vars=["rows_accepted", "rows_duplicate", "rows_quarantined"],
        var_name="outcome",
        value_name="rows",
    )
    data["outcome"] = data["outcome"].str.removeprefix("rows_")
    data["order"] = data["outcome"].map(list(OUTCOMES).index)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", title=by.replace("_", " "), sort=order),
            x=alt.X("rows:Q", title="rows read", scale=alt.Scale(zero=True), stack="zero"),
            color=alt.Color(
                "outcome:N",
                title="outcome",
                scale=alt.Scale(domain=list(OUTCOMES), range=list(OUTCOMES.values())),
            ),
            order=alt.Order("order:Q"),
            tooltip=[f"{by}:N", "outcome:N", alt.Tooltip("rows:Q", format=",")],
        )
    )
    height = max(140, 28 * len(order) + 80)
    return chart.properties(title=_title(title, subtitle), width=width, height=height)


def top_with_other(
    frame: pd.DataFrame, *, label_columns: Sequence[str], value: str, top: int
) -> pd.DataFrame:
    """The `top` rows by `value`, and one row 'other (N more)' summing the rest."""
    ranked = frame.sort_values(
        [value, *label_columns], ascending=[False] + [True] * len(label_columns)
    )
    head = ranked.head(top).copy()
    rest = ranked.iloc[top:]
    if not rest.empty:
        other = {column: "" for column in label_columns}
        other[label_columns[-1]] = f"{OTHER} ({len(rest)} more)"
        other[label_columns[0]] = OTHER if len(label_columns) > 1 else other[label_columns[0]]
        other[value] = rest[value].sum()
        head = pd.concat([head, pd.DataFrame([other])], ignore_index=True)
    return head.reset_index(drop=True)


def quarantine_reasons(
    frame: pd.DataFrame, *, top: int = 12, width: int = WIDTH, subtitle: str | None = None
) -> alt.TopLevelMixin:
    """The `top` (source, reason) pairs by rows quarantined, then one bar for all the others;
    coloured by source (columns source_name, rejection_reason, rows_quarantined)."""
    title = f"Quarantined rows: the top {top} reasons"
    if frame.empty:
        return _empty(title).properties(width=width, height=120)
    data = top_with_other(
        frame[["source_name", "rejection_reason", "rows_quarantined"]],
        label_columns=["source_name", "rejection_reason"],
        value="rows_quarantined",
        top=top,
    )
    data["reason"] = [
        reason if source == OTHER else f"{source}: {reason}"
        for source, reason in zip(data["source_name"], data["rejection_reason"], strict=True)
    ]
    sources = [s for s in data["source_name"] if s != OTHER]
    colours = {
        s: PALETTE[i % len(PALETTE)]
        for i, s in enumerate(sorted({str(s) for s in frame["source_name"]}))
    }
    colours[OTHER] = "#BAB0AC"
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("reason:N", title=None, sort=list(data["reason"])),
            x=alt.X("rows_quarantined:Q", title="rows quarantined", scale=alt.Scale(zero=True)),
            color=alt.Color(
                "source_name:N",
                title="source",
                scale=category_scale([*sources, OTHER], colours),
            ),
            tooltip=["reason:N", alt.Tooltip("rows_quarantined:Q", format=",")],
        )
    )
    return chart.properties(title=_title(title, subtitle), width=width, height=24 * len(data) + 80)


# --- rankings and distributions ------------------------------------------------------------


def ranking(
    frame: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    x_title: str,
    subtitle: str | Sequence[str] | None = None,
    colour_by: str | None = None,
    x_format: str = ",.0f",
    width: int = WIDTH,
) -> alt.TopLevelMixin:
    """Horizontal bars in the order given (the caller ranks), from zero."""
    if frame.empty:
        return _empty(title).properties(width=width, height=120)
    data = frame.copy()
    data[label] = data[label].astype(str)
    encoding: dict[str, Any] = {
        "y": alt.Y(f"{label}:N", title=label.replace("_", " "), sort=list(data[label])),
        "x": alt.X(
            f"{value}:Q", title=x_title, scale=alt.Scale(zero=True), axis=alt.Axis(format=x_format)
        ),
        "tooltip": [f"{label}:N", alt.Tooltip(f"{value}:Q", title=x_title, format=x_format)],
    }
    mark: dict[str, Any] = {}
    if colour_by:
        encoding["color"] = alt.Color(
            f"{colour_by}:N",
            title=colour_by.replace("_", " "),
            scale=category_scale(data[colour_by]),
        )
    else:
        mark["color"] = PALETTE[0]
    chart = alt.Chart(data).mark_bar(**mark).encode(**encoding)
    return chart.properties(
        title=_title(title, subtitle), width=width, height=max(140, 28 * len(data) + 80)
    )


def distribution(
    stats: pd.DataFrame,
    *,
    category: str,
    title: str,
    x_title: str,
    subtitle: str | Sequence[str] | None = None,
    width: int = WIDTH,
) -> alt.TopLevelMixin:
    """A box per category from precomputed percentiles (columns p05, p25, p50, p75, p95, on
    a linear scale): box 25th-75th percentile, white tick the median, whiskers the 5th-95th
    percentile. Percentiles come from SQL, so this works at any row count."""
    if stats.empty:
        return _empty(title).properties(width=width, height=120)
    scale = category_scale(stats[category])
    base = alt.Chart(stats).encode(y=alt.Y(f"{category}:N", title=category.replace("_", " ")))
    tooltip = [
        alt.Tooltip(f"{category}:N"),
        *(
            alt.Tooltip(f"{p}:Q", title=name, format=",.0f")
            for p, name in (
                ("p05", "5th percentile"),
                ("p25", "25th percentile"),
                ("p50", "median"),
                ("p75", "75th percentile"),
                ("p95", "95th percentile"),
            )
        ),
    ]
    whiskers = base.mark_rule(color="#555").encode(
        x=alt.X("p05:Q", title=x_title, axis=alt.Axis(format="~s")), x2="p95:Q"
    )
    box = base.mark_bar(size=18).encode(
        x="p25:Q",
        x2="p75:Q",
        color=alt.Color(f"{category}:N", scale=scale, legend=None),
        tooltip=tooltip,
    )
    median = base.mark_tick(color="white", size=18, thickness=2).encode(x="p50:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#222", strokeDash=[4, 3])
    chart = alt.layer(whiskers, box, median, zero.encode(x="zero:Q"))
    return chart.properties(
        title=_title(title, subtitle), width=width, height=max(160, 50 * len(stats) + 90)
    )


# --- source charts put together ------------------------------------------------------------


def sales_daily(daily: pd.DataFrame, *, width: int = WIDTH) -> alt.TopLevelMixin:
    """Daily revenue and daily orders by channel (columns sales_date, channel, revenue,
    order_count), one chart above the other on the same days."""
    return alt.vconcat(
        *(
            over_time(
                daily,
                x="sales_date",
                y=column,
                category="channel",
                grain="day",
                title=title,
                y_title=y_title,
                height=200,
                width=width,
            )
            for column, title, y_title in (
                ("revenue", "Daily revenue by channel", money("sales", "revenue")),
                ("order_count", "Daily orders by channel", "orders"),
            )
        )
    )
