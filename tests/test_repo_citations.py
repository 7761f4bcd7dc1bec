"""Comments in server/ cite only documents that are in the repository, and sections that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server"
SECTION = r"§\d+(?:\.\d+)*"
# "name.md §4", "name.md §9/§10", "name.md §14.1, §14.5", "name.md §3–§14" (may wrap a line).
CITATION = re.compile(
    r"(?P<doc>[\w./-]+\.md)(?P<sections>\s+" + SECTION + r"(?:\s*(?:,|/|–|-)\s*" + SECTION + r")*)?"
)
RFC_SECTION = re.compile(r"RFC \d+ " + SECTION)


def python_sources() -> list[Path]:
    return sorted(SERVER.rglob("*.py"))


def resolve(name: str) -> Path | None:
    """A cited document: a path from the repository root, or a page in docs/."""
    for candidate in (ROOT / name, ROOT / "docs" / name):
        if candidate.is_file():
            return candidate
    return None


def headings(document: Path) -> set[str]:
    """The section numbers of a page: "## 4. Dates" gives 4, "### 14.1 Sales" gives 14.1."""
    found = re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", document.read_text(), re.MULTILINE)
    return set(found)


def citation_problems(path: Path) -> list[str]:
    text = path.read_text()
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    problems: list[str] = []
    cited_spans: list[tuple[int, int]] = []
    for match in CITATION.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        document = resolve(match["doc"])
        if document is None:
            problems.append(f"{where}:{line} cites {match['doc']}, which is not in the repository")
            continue
        cited_spans.append(match.span())
        known = headings(document)
        for number in re.findall(r"§(\d+(?:\.\d+)*)", match["sections"] or ""):
            if number not in known:
                problems.append(f"{where}:{line} cites {match['doc']} §{number}, which has no such section")
    rfc_spans = [match.span() for match in RFC_SECTION.finditer(text)]
    for match in re.finditer("§", text):
        inside = any(start <= match.start() < end for start, end in cited_spans + rfc_spans)
        if not inside:
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{where}:{line} has a § that names no document")
    return problems


def test_every_document_and_section_a_server_comment_cites_exists_in_the_repository() -> None:
    problems = [problem for path in python_sources() for problem in citation_problems(path)]
    assert problems == []


def test_the_citation_check_catches_a_missing_file_a_missing_section_and_a_bare_section(
    tmp_path: Path,
) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        '"""See membrane-cli.md §2.11, hotmart-api-traps.md §99 and §4 alone."""\n'
        "# hotmart-api-traps.md §8 and membrane-cli-contract.md §9/§10 are fine.\n"
    )
    problems = citation_problems(module)
    assert [problem.split(" ", 1)[1] for problem in problems] == [
        "cites membrane-cli.md, which is not in the repository",
        "cites hotmart-api-traps.md §99, which has no such section",
        "has a § that names no document",
        "has a § that names no document",
    ]


def test_the_cited_pages_number_their_sections() -> None:
    for name in ("membrane-cli-contract.md", "hotmart-api-traps.md"):
        document = resolve(name)
        assert document is not None
        assert {"1", "2", "10"} <= headings(document)
