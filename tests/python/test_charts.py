"""The one chart module (analytics.charts), shared by the report and the dashboard: its rules
checked on every chart the report draws from the sample build (levels from zero, period axes
holding exactly the data's periods, a distinct colour per category, units and currency in the
titles), and its helpers, and the dashboard's outage window and quarantine drill-down rules,
on hand-made values."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest

from analytics import charts
from analytics.dashboard.outage import OutageWindowError, outage_window
from analytics.reports import queries
from analytics.reports.html import report_sections
from conftest import SampleBuild

MONEY_FIELDS = {"revenue", "amount", "sum_amount", "monetary", "total_pnl"}


def units(
    spec: dict[str, Any], data: str | None = None
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Every single view of a (layered, concatenated) specification, with its data's name."""
    data = (spec.get("data") or {}).get("name", data)
    for key in ("layer", "vconcat", "hconcat"):
        for part in spec.get(key, []):
            yield from units(part, data)
    if "mark" in spec:
        yield spec, data


def mark_of(view: dict[str, Any]) -> str:
    mark = view["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


@pytest.fixture(scope="module")
def drawn(sample_build: SampleBuild) -> dict[str, dict[str, Any]]:
    """Every chart of the report on the sample: {name: Vega-Lite specification}."""
    return {
        chart.name: chart.spec
        for section in report_sections(sample_build.database)
        for chart in section.charts
    }


@pytest.mark.dbt
def test_every_chart_of_the_report_follows_the_rules(drawn: dict[str, dict[str, Any]]) -> None:
    assert "bank_top_locations" in drawn and len(drawn) == 11
    for name, spec in drawn.items():
        datasets = spec.get("datasets", {})
        titled: dict[str, list[str]] = {}
        for view, data in units(spec):
            rows = datasets.get(data, [])
            encoding = view.get("encoding", {})
            for channel in ("x", "y"):
                axis = encoding.get(channel)
                if not axis or "field" not in axis:
                    continue
                where = f"{name}: {channel} {axis['field']}"
                if axis.get("type") == "quantitative":
                    # a level or a bar starts at zero; every measure has a title with its unit
                    if mark_of(view) in ("bar", "line") and "x2" not in encoding:
                        assert axis["scale"]["zero"] is True, where
                    # the axis names the measure, or the small chart's own title does
                    panel = view.get("title") or {}
                    titled.setdefault(channel, []).append(
                        axis.get("title")
                        or (panel.get("text", "") if isinstance(panel, dict) else panel)
                    )
                    if axis["field"] in MONEY_FIELDS:
                        assert "(INR)" in axis["title"] or "(¤)" in axis["title"], where
                domain = (axis.get("scale") or {}).get("domain")
                if axis.get("type") == "ordinal" and isinstance(domain, list) and rows:
                    # a period axis: every period of the data, from its first to its last
                    values = {row[axis["field"]] for row in rows}
                    assert values <= set(domain), where
                    assert {domain[0], domain[-1]} <= values, where
                    assert domain == sorted(domain) and len(set(domain)) == len(domain), where
            colour = encoding.get("color")
            if colour and colour.get("type") == "nominal" and "scale" in colour:
                domain, colours = colour["scale"]["domain"], colour["scale"]["range"]
                assert len(set(colours)) == len(colours) == len(domain), name
                assert {str(row[colour["field"]]) for row in rows} <= set(domain), name
        # a layered chart names each measure once (its first layer)
        for channel, titles in titled.items():
            assert any(titles), f"{name}: no title on {channel}"


@pytest.mark.dbt
def test_the_charts_of_the_issue_read_well_on_the_sample(
    drawn: dict[str, dict[str, Any]], sample_build: SampleBuild
) -> None:
    def view(name: str, index: int = 0) -> dict[str, Any]:
        return list(units(drawn[name]))[index][0]

    # one build: one labelled bar, not a dot on an hour-long time axis
    bars = view("pipeline_build_durations")
    assert mark_of(bars) == "bar" and bars["encoding"]["x"]["type"] == "ordinal"
    assert len(next(iter(drawn["pipeline_build_durations"]["datasets"].values()))) == 1
    # quarantine reasons: the top 12 and one bar for the rest
    reasons = next(iter(drawn["pipeline_quarantine_reasons"]["datasets"].values()))
    assert len(reasons) == 13 and reasons[-1]["reason"].startswith("other (")
    # retail: one month is one slot (grouped bars), nine categories nine colours
    category = view("retail_category_revenue")
    assert category["encoding"]["x"]["scale"]["domain"] == ["2024-12"]
    assert mark_of(category) == "bar"
    assert len(set(category["encoding"]["color"]["scale"]["range"])) == 9
    # sales: a tick per day of the data, revenue in the currency marker
    days = [
        str(d[0])
        for d in sample_build.query("select distinct sales_date from marts.daily_sales order by 1")
    ]
    revenue = view("sales_daily_by_channel", 0)
    assert revenue["encoding"]["x"]["scale"]["domain"] == days
    assert revenue["encoding"]["y"]["title"] == "revenue (¤)"
    # PnL: a linear scale, explained
    for unit, _ in units(drawn["trades_pnl_distribution"]):
        for channel in unit.get("encoding", {}).values():
            if isinstance(channel, dict):
                assert (channel.get("scale") or {}).get("type") in (None, "linear")
    subtitle = drawn["trades_pnl_distribution"]["title"]["subtitle"]
    assert any("bought more than they sold" in line for line in subtitle)


def test_periods_are_every_day_week_or_month_from_the_first_to_the_last() -> None:
    assert charts.periods([date(2024, 12, 27), date(2024, 12, 27)], "month") == ["2024-12"]
    assert charts.periods([date(2025, 9, 14), date(2025, 9, 12)], "day") == [
        "2025-09-12",
        "2025-09-13",
        "2025-09-14",
    ]
    assert charts.periods([date(2024, 1, 3), date(2024, 1, 17)], "week") == [
        "2024-01-01",
        "2024-01-08",
        "2024-01-15",
    ]
    assert charts.periods([pd.Timestamp("2023-11-30"), date(2024, 2, 1)], "month") == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]
    assert charts.periods([], "day") == []


def test_top_with_other_keeps_the_top_and_sums_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "source_name": ["a", "b", "c", "d"],
            "rejection_reason": ["x", "y", "z", "w"],
            "n": [5, 9, 1, 2],
        }
    )
    top = charts.top_with_other(
        frame, label_columns=["source_name", "rejection_reason"], value="n", top=2
    )
    assert top.values.tolist() == [["b", "y", 9], ["a", "x", 5], ["other", "other (2 more)", 3]]
    assert len(charts.top_with_other(frame, label_columns=["source_name"], value="n", top=4)) == 4


def test_every_category_gets_its_own_colour_up_to_twenty() -> None:
    scale = charts.category_scale([f"c{i}" for i in range(20)]).to_dict()
    assert len(set(scale["range"])) == 20
    assert (
        charts.money("bank") == "amount (INR)" and charts.money("sales", "revenue") == "revenue (¤)"
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2024-01-31 22:00", "2024-01-31 20:00", "is before its start"),
        ("", "2024-01-31 20:00", "the outage start is missing"),
        ("2024-01-31 20:00", "  ", "the outage end is missing"),
        ("2024-02-30 20:00", "2024-03-01", "not a timestamp"),
        ("2024-01-31 24:00", "2024-02-01", "not a timestamp"),
        ("31/01/2024 20:00", "2024-02-01", "not a timestamp"),
        ("2024-01-31 20:00+15:00", "2024-02-01", "not a timestamp"),
    ],
)
def test_the_outage_window_refuses(start: str, end: str, message: str) -> None:
    with pytest.raises(OutageWindowError, match=message):
        outage_window(start, end)


def test_the_outage_window_reads_utc_offsets_and_dates() -> None:
    assert outage_window("2024-01-31", "2024-01-31T22:00:00.5+01:00") == (
        datetime(2024, 1, 31),
        datetime(2024, 1, 31, 21, 0, 0, 500000),
    )
    assert outage_window(" 2024-01-31 20:00Z ", "2024-01-31 20:00:00") == (
        datetime(2024, 1, 31, 20),
        datetime(2024, 1, 31, 20),
    )


def test_each_source_of_the_accounting_finds_its_quarantine_table() -> None:
    tables = [
        "quarantine_bank__transactions",
        "quarantine_sales__order_lines",
        "quarantine_streaming__movies",
        "quarantine_streaming__users",
    ]
    assert queries.quarantine_table_of("bank", tables) == "quarantine_bank__transactions"
    assert queries.quarantine_table_of("sales", tables) == "quarantine_sales__order_lines"
    assert queries.quarantine_table_of("streaming_users", tables) == "quarantine_streaming__users"
    assert queries.quarantine_table_of("streaming", tables) is None
    assert queries.quarantine_table_of("trades", tables) is None
    with pytest.raises(ValueError, match="not a table name"):
        queries.quarantined_rows("x; drop table y", None)
