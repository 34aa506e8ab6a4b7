"""The records of a CSV file, as the raw data contract defines them, by a character-level state
machine (the SQL reader, raw_csv_lines(), groups lines with regular expressions instead).

- Physical lines end with LF, CRLF or a lone CR, in any mix; the text after the last line break
  is a line when it is not empty.
- A `"` at the start of a field opens a quoted field, which may hold commas, doubled quotes and
  line breaks; a quote elsewhere is a literal character. A record is the line it starts on and,
  while a quoted field is open at the end of a line, the following lines. A quote never closed
  runs the record to the end of the file.
- A line outside quotes that is empty or only spaces and tabs is blank; one that starts (after
  spaces and tabs) with the comment prefix is a comment. Neither is a record.
- A byte-order mark at the start of a record is no part of its first field (`text` keeps it,
  `body` does not).
"""

from __future__ import annotations

from dataclasses import dataclass

BOM = "\ufeff"


@dataclass(frozen=True)
class Record:
    line_number: int  # the record's first physical line, from 1
    line_count: int  # the physical lines it spans
    text: str  # exactly as delivered, inner line breaks included, not the final one
    kind: str  # "record", "blank" or "comment"

    @property
    def body(self) -> str:
        return self.text.removeprefix(BOM)


def physical_lines(text: str) -> list[tuple[str, str]]:
    """[(line, the line break that ends it: "\\n", "\\r\\n", "\\r" or "")]."""
    lines: list[tuple[str, str]] = []
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n" or char == "\r":
            end = index
            if char == "\r" and text[index + 1 : index + 2] == "\n":
                index += 1
            lines.append((text[start:end], text[end : index + 1]))
            start = index + 1
        index += 1
    if start < len(text):
        lines.append((text[start:], ""))
    return lines


def _ends_in_quotes(line: str, in_quotes: bool) -> bool:
    """Whether a quoted field is still open after this line, given the state it starts in."""
    state = "quoted" if in_quotes else "field_start"
    for char in line:
        if state == "field_start":
            state = "quoted" if char == '"' else "field_start" if char == "," else "plain"
        elif state == "plain":
            if char == ",":
                state = "field_start"
        elif state == "quoted":
            if char == '"':
                state = "quote_in_quoted"
        elif state == "quote_in_quoted":  # a doubled quote, or the closing one
            state = "quoted" if char == '"' else "field_start" if char == "," else "plain"
    return state == "quoted"


def records(text: str, comment_prefix: str | None = None) -> list[Record]:
    """Every record, blank line and comment line of a file's text, in file order."""
    result: list[Record] = []
    lines = physical_lines(text)
    index = 0
    while index < len(lines):
        line, _ = lines[index]
        content = line.removeprefix(BOM)
        if content.strip(" \t") == "":
            result.append(Record(index + 1, 1, line, "blank"))
            index += 1
            continue
        if comment_prefix and content.lstrip(" \t").startswith(comment_prefix):
            result.append(Record(index + 1, 1, line, "comment"))
            index += 1
            continue
        first = index
        open_quote = _ends_in_quotes(content, False)
        while open_quote and index + 1 < len(lines):
            index += 1
            open_quote = _ends_in_quotes(lines[index][0], True)
        pieces = [lines[i][0] + (lines[i][1] if i < index else "") for i in range(first, index + 1)]
        result.append(Record(first + 1, index - first + 1, "".join(pieces), "record"))
        index += 1
    return result


def file_records(path_bytes: bytes, comment_prefix: str | None = None) -> list[Record]:
    """The records of a file's bytes (UTF-8; a byte-order mark stays in the first record)."""
    return records(path_bytes.decode("utf-8"), comment_prefix)
