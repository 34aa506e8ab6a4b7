"""The manifest: what the generator wrote, and what the spec's rules make of it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analytics.generate.streaming.layout import (
    BATCHES,
    DELIVERY_ORDER,
    ENTITIES,
    LATE_AFTER,
    LATE_BATCH,
    REASONS,
    REDELIVERED_BATCH,
)


@dataclass
class StreamingFileManifest:
    """One file written and what the rules make of its records in a full build."""

    path: str  # relative to the raw folder, e.g. "streaming/2024-01-31/movies.csv"
    batch_date: str
    entity: str
    format: str  # json_array | ndjson | csv
    records: int  # records read: array elements, non-blank NDJSON lines, CSV data lines
    accepted: int
    duplicate: int
    quarantined: int
    tombstones: int  # accepted deletion records (included in accepted)
    reasons: dict[str, int]  # quarantine reason -> records (only reasons present)
    bom: bool
    crlf: bool
    blank_lines: int
    has_deleted_column: bool | None  # CSV only
    seconds: float = field(default=0.0, compare=False)


@dataclass
class StreamingManifest:
    seed: int
    sizes: dict[str, int]
    defect_rate: float
    files: list[StreamingFileManifest]
    current: dict[str, int]  # entity -> ids in the current state after all batches
    scenarios: dict[str, Any]

    @property
    def batches(self) -> list[dict[str, object]]:
        out = []
        for day in BATCHES:
            text = day.isoformat()
            kind = "initial" if day == BATCHES[0] else "late" if day == LATE_BATCH else "change"
            files = [f.path for f in self.files if f.batch_date == text]
            out.append({"batch_date": text, "kind": kind, "files": files})
        return out

    def entity_totals(self) -> dict[str, dict[str, object]]:
        totals: dict[str, dict[str, object]] = {}
        for entity in ENTITIES:
            files = [f for f in self.files if f.entity == entity]
            reasons: Counter[str] = Counter()
            for f in files:
                reasons.update(f.reasons)
            totals[entity] = {
                "files": len(files),
                "records": sum(f.records for f in files),
                "accepted": sum(f.accepted for f in files),
                "duplicate": sum(f.duplicate for f in files),
                "quarantined": sum(f.quarantined for f in files),
                "tombstones": sum(f.tombstones for f in files),
                "current": self.current[entity],
                "reasons": {r: reasons[r] for r in REASONS if reasons[r]},
            }
        return totals

    @property
    def reasons(self) -> dict[str, int]:
        """Quarantine reason -> records, over all files (every reason listed)."""
        counts: Counter[str] = Counter()
        for f in self.files:
            counts.update(f.reasons)
        return {reason: counts[reason] for reason in REASONS}

    def to_dict(self) -> dict[str, object]:
        files = [asdict(f) for f in self.files]
        for f in files:
            del f["seconds"]
        return {
            "source": "streaming",
            "seed": self.seed,
            "sizes": self.sizes,
            "defect_rate": self.defect_rate,
            "batches": self.batches,
            "delivery_order": [day.isoformat() for day in DELIVERY_ORDER],
            "late_batch": LATE_BATCH.isoformat(),
            "late_after": LATE_AFTER.isoformat(),
            "redelivered_batch": REDELIVERED_BATCH.isoformat(),
            "files": files,
            "entities": self.entity_totals(),
            "totals": {
                "records": sum(f.records for f in self.files),
                "accepted": sum(f.accepted for f in self.files),
                "duplicate": sum(f.duplicate for f in self.files),
                "quarantined": sum(f.quarantined for f in self.files),
                "tombstones": sum(f.tombstones for f in self.files),
                "reasons": self.reasons,
            },
            "scenarios": self.scenarios,
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
