"""save_to written page by page: the same file as writing everything at once, and never a half file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from hotmart_membrane_mcp.hotmart.export import ExportWriter, save_export

PAGES: list[list[Any]] = [
    [{"id": 1, "buyer": {"name": "Ana"}}, {"id": 2, "buyer": {"name": "=cmd"}}],
    [{"id": 3, "price": {"value": 9.5, "currency": "BRL"}, "tags": ["a", "b"]}],  # new columns
    [],
    [{"id": 4, "buyer": {"name": 'line\nbreak, "quoted"'}, "note": None}, {"id": 5}],
]


def written_in_pages(folder: Path, name: str, pages: list[list[Any]]) -> tuple[bytes, Any]:
    with ExportWriter(name, folder) as writer:
        for page in pages:
            writer.write(page)
        saved = writer.finish()
    return Path(saved.path).read_bytes(), saved


@pytest.mark.parametrize("name", ["sales.csv", "sales.jsonl"])
def test_pages_that_bring_new_columns_give_the_same_file_as_all_items_at_once(
    tmp_path: Path, name: str
) -> None:
    everything = [item for page in PAGES for item in page]
    whole = save_export(everything, name, tmp_path / "whole")

    paged, saved = written_in_pages(tmp_path / "paged", name, PAGES)

    assert paged == Path(whole.path).read_bytes()
    assert (saved.rows, saved.columns, saved.preview) == (whole.rows, whole.columns, whole.preview)
    if name.endswith(".csv"):
        assert saved.columns[-4:] == ["price.value", "price.currency", "tags", "note"]


def test_a_csv_whose_first_page_has_every_column_is_written_once_without_a_rewrite(tmp_path: Path) -> None:
    pages: list[list[Any]] = [[{"id": 1, "name": "a"}], [{"id": 2, "name": "b"}]]

    paged, _ = written_in_pages(tmp_path, "two.csv", pages)

    assert paged == b"id,name\n1,a\n2,b\n"


def test_an_export_with_no_items_is_a_header_only_csv(tmp_path: Path) -> None:
    paged, saved = written_in_pages(tmp_path, "none.csv", [[], []])

    assert paged == b"\n" and saved.rows == 0 and saved.columns == []


@pytest.mark.parametrize("name", ["sales.csv", "sales.jsonl"])
def test_a_walk_that_fails_after_some_pages_leaves_no_file_and_no_temporary_file(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(RuntimeError), ExportWriter(name, tmp_path) as writer:
        writer.write(PAGES[0])
        writer.write(PAGES[1])
        raise RuntimeError("page 3 failed")

    assert os.listdir(tmp_path) == []
