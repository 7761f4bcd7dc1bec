"""save_to writes JSON lines or CSV inside the export folder, and nowhere else."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import pytest

from hotmart_membrane_mcp.config import default_export_dir
from hotmart_membrane_mcp.errors import InvalidInput
from hotmart_membrane_mcp.hotmart.export import flatten, save_export

ITEMS = [
    {
        "purchase": {"transaction": "HP1", "price": {"value": 97.5, "currency_code": "BRL"}},
        "buyer": {"name": "Ana"},
    },
    {"purchase": {"transaction": "HP2", "price": {"value": 10, "currency_code": "USD"}}, "tags": ["a", "b"]},
    {"purchase": {"transaction": "HP3", "price": None}, "buyer": {"name": '=HYPERLINK("x")'}, "ok": True},
    {"purchase": {"transaction": "HP4"}, "buyer": {"name": "Zoë"}},
]


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    return tmp_path / "exports"


def test_jsonl_export_writes_one_item_per_line(export_dir: Path) -> None:
    saved = save_export(ITEMS, "march/sales.jsonl", export_dir)

    path = Path(saved.path)
    assert path == (export_dir / "march" / "sales.jsonl").resolve()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == ITEMS
    assert saved.format == "jsonl" and saved.rows == 4
    assert saved.columns == ["purchase", "buyer", "tags", "ok"]
    assert saved.preview == ITEMS[:3]


def test_csv_export_has_the_union_of_dotted_columns_in_first_seen_order(export_dir: Path) -> None:
    saved = save_export(ITEMS, "sales.CSV", export_dir)

    assert saved.columns == [
        "purchase.transaction",
        "purchase.price.value",
        "purchase.price.currency_code",
        "buyer.name",
        "tags",
        "purchase.price",
        "ok",
    ]
    with open(saved.path, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == saved.rows == 4
    assert rows[0]["purchase.price.value"] == "97.5" and rows[0]["buyer.name"] == "Ana"
    assert rows[1]["tags"] == '["a","b"]' and rows[1]["buyer.name"] == ""
    assert rows[2]["ok"] == "true" and rows[2]["purchase.price"] == ""
    assert rows[3]["buyer.name"] == "Zoë"
    assert saved.preview[0] == flatten(ITEMS[0])


def test_csv_cells_that_look_like_formulas_are_neutralised(export_dir: Path) -> None:
    saved = save_export(ITEMS, "sales.csv", export_dir)

    with open(saved.path, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[2]["buyer.name"] == '\'=HYPERLINK("x")'


def test_export_files_are_private_to_the_user_and_leave_no_temp_file(export_dir: Path) -> None:
    saved = save_export(ITEMS, "sales.jsonl", export_dir)

    assert len(Path(saved.path).read_text().splitlines()) == len(ITEMS)
    assert stat.S_IMODE(os.stat(saved.path).st_mode) == 0o600
    assert [p.name for p in export_dir.iterdir()] == ["sales.jsonl"]  # no temp files left behind


def test_an_absolute_path_inside_the_export_folder_is_accepted(export_dir: Path) -> None:
    export_dir.mkdir()
    saved = save_export(ITEMS, str(export_dir / "abs.csv"), export_dir)

    assert Path(saved.path) == (export_dir / "abs.csv").resolve()


@pytest.mark.parametrize("save_to", ["../x.csv", "a/../../x.csv", "a/../x.csv", "/etc/x.csv", "/tmp/x.jsonl"])
def test_paths_outside_the_export_folder_are_refused(export_dir: Path, save_to: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        save_export(ITEMS, save_to, export_dir)

    assert caught.value.details["field"] == "save_to"
    assert not Path("/etc/x.csv").exists()


def test_a_symlink_pointing_out_of_the_export_folder_is_refused(tmp_path: Path, export_dir: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    export_dir.mkdir()
    (export_dir / "link").symlink_to(outside, target_is_directory=True)
    (export_dir / "file.csv").symlink_to(outside / "file.csv")

    for save_to in ("link/x.csv", "file.csv"):
        with pytest.raises(InvalidInput) as caught:
            save_export(ITEMS, save_to, export_dir)
        assert "outside the export folder" in caught.value.message
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("save_to", ["sales.json", "sales.xlsx", "sales", "", "   ", "a\x00.csv"])
def test_other_extensions_and_empty_names_are_refused(export_dir: Path, save_to: str) -> None:
    with pytest.raises(InvalidInput):
        save_export(ITEMS, save_to, export_dir)


def test_default_export_dir_follows_each_platforms_convention(tmp_path: Path) -> None:
    home = tmp_path / "home"
    tail = Path("hotmart-membrane-mcp") / "exports"

    assert default_export_dir({}, "linux", home) == home / ".local" / "share" / tail
    assert default_export_dir({"XDG_DATA_HOME": "/data"}, "linux", home) == Path("/data") / tail
    assert (
        default_export_dir({"XDG_DATA_HOME": "relative"}, "linux", home) == home / ".local" / "share" / tail
    )
    assert default_export_dir({}, "darwin", home) == home / "Library" / "Application Support" / tail
    assert default_export_dir({"LOCALAPPDATA": str(tmp_path / "L")}, "win32", home) == tmp_path / "L" / tail


def test_an_existing_file_is_never_overwritten(export_dir: Path) -> None:
    first = save_export(ITEMS, "sales.csv", export_dir)
    before = Path(first.path).read_bytes()

    with pytest.raises(InvalidInput) as caught:
        save_export(ITEMS[:1], "sales.csv", export_dir)

    assert "already exists" in caught.value.message and caught.value.details["field"] == "save_to"
    assert Path(first.path).read_bytes() == before
    assert sorted(path.name for path in export_dir.iterdir()) == ["sales.csv"]  # no temp file left
