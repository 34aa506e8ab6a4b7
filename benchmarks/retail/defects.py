"""CSV defects the retail generator does not write, added to generated daily files so that the
benchmark's engines meet them too: an extra field, a broken quote that swallows the rest of its
file, quoted commas, doubled quotes, a line break (LF, CR) inside quotes, a byte-order mark in
the middle of a file, CRLF and lone-CR line endings, blank lines, UTC offsets and `Z`.

Every added record has its own transaction_id (Z1, Z2, ...): what the warehouse makes of each is
decided by its rules, not promised here.
"""

from __future__ import annotations

from pathlib import Path


def add_csv_defects(folder: Path) -> list[str]:
    """Append the defect lines to the first three .csv files of folder (sorted by name);
    returns the names of the files changed. The broken quote goes last in its file."""
    files = sorted(folder.glob("*.csv"))[:3]
    if len(files) < 3:
        raise ValueError(f"need at least 3 files in {folder}")

    def row(n: int, day: str, category: str = "home", region: str = "north", **kw: str) -> str:
        ts = kw.get("ts", f"{day} 12:00:00")
        quantity, price = kw.get("quantity", "2"), kw.get("price", "10.50")
        return f"Z{n},{ts},CZ{n % 3},P{n},{category},{region},{quantity},{price}"

    day = [f.stem[:10] for f in files]
    first = [
        row(1, day[0]) + ",one field too many",
        row(2, day[0], category='"home, garden"'),
        row(3, day[0], category='"say ""hi"""'),
        row(4, day[0], category='"two\nlines"'),
        "\ufeff" + row(5, day[0]),
        row(6, day[0]) + "\r",  # a CRLF line in an LF file
        "",
        "   ",
        row(7, day[0], ts=f"{day[0]}T03:00:00+05:00"),
        row(8, day[0], ts=f"{day[0]}T23:30:00.123456789Z"),
        row(9, day[0], region='"east"', price='"7.25"'),
        row(10, day[0], category='x"y'),  # a quote inside a plain field: broken quoting
    ]
    second = [
        row(11, day[1]) + "\r" + row(12, day[1]),  # a lone CR ends a line
        row(13, day[1], category='"carriage\rreturn"'),
        row(14, day[1], category='"crlf\r\ninside"'),
        row(15, day[1]).rsplit(",", 1)[0],  # one field short
    ]
    third = [
        row(16, day[2]),
        row(17, day[2], category='"never closed'),  # swallows the lines after it
        row(18, day[2]),
        row(19, day[2]),
    ]
    for path, lines in zip(files, (first, second, third), strict=True):
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        path.write_text(text + "\n".join(lines) + "\n", encoding="utf-8", newline="")
    return [p.name for p in files]
