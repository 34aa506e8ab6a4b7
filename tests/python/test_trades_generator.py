"""Tests of the trades generator and of the trades reference implementation (the test oracle).

Fast: no dbt. The generator's manifest (what it injected) and the reference (what the rules
make of the files) are written independently, so their agreement checks both.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.generate import cli
from analytics.generate.trades import (
    DEFECT_KINDS,
    HEADER,
    QUARANTINED_KINDS,
    generate_trades,
    generate_trades_sample,
)
from reference.trades import REASONS, check, compute_trades, parse_decimal, parse_timestamp

BOM = b"\xef\xbb\xbf"


def read_files(raw_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((raw_dir / "trades").glob("*.csv"))}


def test_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate_trades(tmp_path / name, users=30, weeks=3, seed=seed, defect_rate=0.1)
    a, b, c = (read_files(tmp_path / name) for name in "abc")
    assert list(a) == ["2024-01-01.csv", "2024-01-08.csv", "2024-01-15.csv"]
    assert a == b
    assert all(a[name] != c[name] for name in a)


def test_the_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    manifest = generate_trades_sample(tmp_path)
    assert read_files(tmp_path) == read_files(Path(__file__).parents[2] / "data" / "raw")
    assert [f.rows for f in manifest.files] == [37, 54, 46]
    assert [(f.bom, f.crlf) for f in manifest.files] == [
        (False, False),
        (True, True),
        (False, False),
    ]
    second = read_files(tmp_path)["2024-01-08.csv"]
    assert second.startswith(BOM + HEADER.encode() + b"\r\n")
    assert second.count(b"\n") == second.count(b"\r\n") == 55
    expected = compute_trades(tmp_path)
    assert expected.accounting == manifest.expected_accounting()
    assert {reason for _, reason in expected.reasons} == set(REASONS)  # every reason shows


@pytest.mark.parametrize(
    ("users", "weeks", "seed", "rate", "crlf"),
    [(40, 3, 1, 0.05, False), (25, 5, 2, 0.5, True), (10, 2, 3, 1.0, False), (5, 1, 4, 0.0, True)],
)
def test_manifest_agrees_with_reference(
    tmp_path: Path, users: int, weeks: int, seed: int, rate: float, crlf: bool
) -> None:
    manifest = generate_trades(
        tmp_path, users=users, weeks=weeks, seed=seed, defect_rate=rate, crlf=crlf
    )
    expected = compute_trades(tmp_path)
    assert expected.accounting == manifest.expected_accounting()
    assert expected.reasons == manifest.expected_reason_counts()
    accepted = sum(a[1] for a in expected.accounting.values())
    assert sum(count for _, _, count in expected.weekly.values()) == accepted
    for read, accepted_rows, duplicate, quarantined in expected.accounting.values():
        assert read == accepted_rows + duplicate + quarantined
    assert set(QUARANTINED_KINDS) == set(REASONS)
    if rate == 0:
        assert manifest.defects == dict.fromkeys(DEFECT_KINDS, 0)


def test_timestamps_come_in_every_form_and_near_week_edges(tmp_path: Path) -> None:
    generate_trades(tmp_path, users=60, weeks=2, seed=5, defect_rate=0)
    stamps = [o.values["timestamp"] for o in compute_trades(tmp_path).rows if o.values]
    assert any(s[10] == "T" for s in stamps) and any(s[10] == " " for s in stamps)
    assert any(s.endswith("Z") for s in stamps)
    assert any(s[-6] in "+-" and s[-3] == ":" for s in stamps)
    assert any(len(s) == 19 for s in stamps)  # naive
    assert any("." in s for s in stamps)
    moments = [parse_timestamp(s) for s in stamps]
    assert all(m is not None for m in moments)
    # some trades within 90 minutes of a Sunday/Monday midnight, on both sides
    assert any(m.weekday() == 6 and m.hour >= 22 for m in moments if m)
    assert any(m.weekday() == 0 and m.hour < 2 for m in moments if m)


def test_cli_writes_trades_and_refuses_a_manifest_in_the_trades_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest_path = tmp_path / "manifest.json"
    out = tmp_path / "raw"
    args = ["trades", "--users", "9", "--weeks", "2", "--seed", "4", "--out", str(out)]
    assert cli.main([*args, "--manifest", str(manifest_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed] == [
        "trades/2024-01-01.csv",
        "trades/2024-01-08.csv",
    ]
    written = json.loads(manifest_path.read_text())
    assert written["source"] == "trades"
    assert sum(f["rows"] for f in written["files"]) == sum(
        a[0] for a in compute_trades(out).accounting.values()
    )
    with pytest.raises(SystemExit):
        cli.main([*args, "--manifest", str(out / "trades" / "m.json")])


# --- the reference's rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2024-03-10 23:30:00", datetime(2024, 3, 10, 23, 30)),
        ("2024-03-11T00:30:00+02:00", datetime(2024, 3, 10, 22, 30)),
        ("2024-03-10T23:30:00-05:00", datetime(2024, 3, 11, 4, 30)),
        ("2024-03-11 00:30:00Z", datetime(2024, 3, 11, 0, 30)),
        ("2024-03-10 23:59:59.9999999", datetime(2024, 3, 10, 23, 59, 59, 999999)),
        (" 2024-03-11T00:00:00.5+00:00 ", datetime(2024, 3, 11, 0, 0, 0, 500000)),
        ("2024-03-10", None),
        ("2024-03-10 24:00:00", None),
        ("2024-02-30 10:00:00", None),
        ("2024-03-10 23:30:00 +02:00", None),
        ("2024-03-10 23:30:00+15:00", None),
        ("2024-03-10 23:30:00z", None),
        ("2024-03-10 23:30:00.", None),
    ],
)
def test_timestamp_rule(text: str, utc: datetime | None) -> None:
    assert parse_timestamp(text) == utc


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("25", Decimal(25)),
        (" 0.5 ", Decimal("0.5")),
        (".5", Decimal("0.5")),
        ("12.", Decimal(12)),
        ("1.123456", Decimal("1.123456")),
        ("1.1234567", None),
        ("+5", None),
        ("-5", None),
        ("1e3", None),
        ("1,000", None),
        ("", None),
        (".", None),
    ],
)
def test_decimal_rule(text: str, value: Decimal | None) -> None:
    assert parse_decimal(text) == value


def test_week_and_pnl_sign() -> None:
    row = dict.fromkeys(("user_id",), "7") | {
        "timestamp": "2024-03-11T00:30:00+02:00",
        "client_type": " Bronze ",
        "symbol": "brk.b",
        "side": "BUY",
        "quantity": "2",
        "price": "10.5",
    }
    reason, trade = check(row)
    assert reason is None and trade is not None
    assert (trade.trade_week, trade.client_type, trade.symbol) == (
        date(2024, 3, 4),
        "bronze",
        "BRK.B",
    )
    assert trade.pnl == Decimal("-21.0")
    reason, trade = check(row | {"side": "sell"})
    assert trade is not None and trade.pnl == Decimal("21.0")
    assert check(row | {"side": "hold", "user_id": "x"})[0] == "invalid_user_id"
