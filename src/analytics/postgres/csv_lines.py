"""The PostgreSQL reader's cut of a CSV file into records: the same rows as the DuckDB
reader's `raw_csv_lines()` macro (macros/raw_files/raw_csv_lines.sql), computed in Python
by the loader because a PostgreSQL model cannot read a file.

Physical lines end with LF, CRLF or a lone CR. A record is one line or, when a line leaves a
`"` open, that line and the following ones up to the line that closes it (or the end of the
file). A quote opens a quoted field only at the start of a field; elsewhere it is a literal
character. A comment line (the prefix after spaces and tabs, outside quotes) never opens a
quote. A byte-order mark at the start of a record is no part of its text's quoting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

BOM = "\ufeff"
_BREAK = re.compile(r"\r\n|\n|\r")


class CsvLine(NamedTuple):
    scan_position: int  # the record's first physical line in its file, from 1
    line_count: int
    raw_line: str  # the record's text, its inner line breaks included
    is_blank: bool
    is_comment: bool


def physical_lines(text: str) -> list[tuple[str, str]]:
    """(line, its break) pairs; the text after the last break is a line only if not empty."""
    lines: list[tuple[str, str]] = []
    start = 0
    for match in _BREAK.finditer(text):
        lines.append((text[start : match.start()], match.group()))
        start = match.end()
    if start < len(text):
        lines.append((text[start:], ""))
    return lines


def ends_open(line: str, starts_open: bool) -> bool:
    """Whether a line ends inside a quoted field, given the state it starts in."""
    in_quotes = starts_open
    at_field_start = not starts_open
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if in_quotes:
            if char == '"':
                if i + 1 < n and line[i + 1] == '"':
                    i += 2
                    continue
                in_quotes = False
            i += 1
            continue
        if char == ",":
            at_field_start = True
        elif at_field_start:
            at_field_start = False
            in_quotes = char == '"'
        # elsewhere (a plain field, or after a closing quote) every character is literal
        i += 1
    return in_quotes


def csv_lines(text: str, comment_prefix: str | None = None) -> Iterator[CsvLine]:
    lines = physical_lines(text)
    number = 0
    while number < len(lines):
        line, _ = lines[number]
        body = line[1:] if line.startswith(BOM) else line
        is_comment = bool(comment_prefix) and body.lstrip(" \t").startswith(comment_prefix)
        if is_comment or '"' not in line or not ends_open(body, starts_open=False):
            is_blank = body.strip(" \t") == "" if line[:1] in ("", " ", "\t", BOM) else False
            yield CsvLine(number + 1, 1, line, is_blank, is_comment)
            number += 1
            continue
        first = number
        number += 1
        while number < len(lines):
            piece = lines[number][0]
            number += 1
            if '"' in piece and not ends_open(piece, starts_open=True):
                break
        parts = [text_ + brk for text_, brk in lines[first:number]]
        parts[-1] = lines[number - 1][0]
        yield CsvLine(first + 1, number - first, "".join(parts), False, False)
