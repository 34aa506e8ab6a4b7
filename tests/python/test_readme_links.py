"""The README and the docs it links to hold no dead links, and the README still gives the two
commands a newcomer needs. Reads Markdown only: no dbt, no build, well under a second.

Checked: every relative link target `[text](path)` of README.md, docs/*.md and
benchmarks/README.md exists, and every `#anchor` into a Markdown file (or within the same
file) matches a heading there, slugged as GitHub does. Links inside code blocks and inline
code are not links; `http(s)://` and `mailto:` links are not fetched.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "benchmarks" / "README.md",
]

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)


def prose(markdown: str) -> str:
    """The text outside fenced code blocks and inline code."""
    return INLINE_CODE.sub("", FENCE.sub("", markdown))


def github_slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to -."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link keeps its text
    title = title.replace("`", "").replace("*", "").lower()
    title = re.sub(r"[^\w\- ]", "", title)
    return title.replace(" ", "-")


def anchors(markdown_file: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for match in HEADING.finditer(FENCE.sub("", markdown_file.read_text(encoding="utf-8"))):
        slug = github_slug(match["title"])
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def links(markdown_file: Path) -> list[str]:
    return [m["target"] for m in LINK.finditer(prose(markdown_file.read_text(encoding="utf-8")))]


def problems_of(markdown_file: Path) -> list[str]:
    problems = []
    for target in links(markdown_file):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (
            (markdown_file.parent / unquote(path_part)).resolve() if path_part else markdown_file
        )
        where = f"{markdown_file.relative_to(ROOT)}: {target}"
        if not resolved.exists():
            problems.append(f"{where}: {path_part} does not exist")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{where}: no heading #{anchor} in {resolved.relative_to(ROOT)}")
    return problems


@pytest.mark.parametrize("markdown_file", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(markdown_file: Path) -> None:
    assert markdown_file.exists()
    assert problems_of(markdown_file) == []


def test_the_checker_sees_links_and_headings() -> None:
    # The README does link to its docs, and the slugs are GitHub's.
    assert "docs/operations.md" in links(ROOT / "README.md")
    assert github_slug("Docs, lineage and the `HTML` report") == "docs-lineage-and-the-html-report"
    assert github_slug("100 million rows under a 4 GB DuckDB memory limit") == (
        "100-million-rows-under-a-4-gb-duckdb-memory-limit"
    )


def test_the_readme_gives_the_two_commands() -> None:
    # The quick start's first shell block runs exactly `make build`, then `make test`.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    first_block = re.search(r"```bash\n(.*?)```", quick_start, re.DOTALL)
    assert first_block is not None
    commands = re.findall(r"^(make \w+)", first_block[1], re.MULTILINE)
    assert commands == ["make build", "make test"]


def test_the_readme_stays_short() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 300
