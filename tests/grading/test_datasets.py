"""`autograder data list` and `autograder data fetch` on a fixture kit whose hidden test needs the
SST: what is needed, fetched from a local copy, and what a failure says."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.topics.recurrent.data import sst

TREES = {
    "train": "(3 (3 Good))\n(1 (1 Bad))\n",
    "dev": "(4 (4 Great))\n",
    "test": "(0 (0 Awful))\n",
}


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def sst_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of three small split files, counted as the published SST's for these tests."""
    folder = tmp_path / "sst-copy"
    folder.mkdir()
    for split, text in TREES.items():
        (folder / f"{split}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(sst, "SST_TREES", {"train": 2, "dev": 1, "test": 1})
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", "")
    return folder


def test_list_then_fetch_from_a_local_copy_then_list_again(kit_lacking_sst, sst_copy, tmp_path):
    kit = str(kit_lacking_sst)
    listed = _invoke("data", "list", "--kit", kit)
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if line.startswith("sst "))
    assert "fx_ops" in row and row.endswith("no")
    assert "autograder data fetch sst --from PATH" in listed.output

    fetched = _invoke("data", "fetch", "fx_ops", "--kit", kit, "--from", str(sst_copy))
    assert fetched.exit_code == 0, fetched.output
    assert "needed by fx_ops" in fetched.output and "data ready: sst" in fetched.output
    cache = tmp_path / "no-data" / "sst"  # $AUTOGRADER_DATA_DIR of the fixture
    assert sorted(p.name for p in cache.iterdir()) == ["dev.txt", "test.txt", "train.txt"]

    listed = _invoke("data", "list", "fx_ops", "--kit", kit)
    row = next(line for line in listed.output.splitlines() if line.startswith("sst "))
    assert row.endswith(f"yes: {cache}")


def test_a_failed_fetch_exits_1_naming_url_checksum_and_folder(kit_lacking_sst, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _invoke("data", "fetch", "sst", "--kit", str(kit_lacking_sst), "--from", str(empty))
    assert done.exit_code == 1
    for part in (sst.SST_URL, sst.SST_SHA256, str(tmp_path / "no-data" / "sst"), str(empty)):
        assert part in done.output
    assert "could not fetch sst" in done.output


def test_an_unknown_name_is_refused_with_the_known_ones(kit_lacking_sst):
    done = _invoke("data", "fetch", "imagenet", "--kit", str(kit_lacking_sst))
    assert done.exit_code == 2
    assert "neither an assignment" in done.output and "fashion-mnist" in done.output


def test_dir_sets_the_cache_for_the_command(kit_lacking_sst, sst_copy, tmp_path):
    done = _invoke(
        "data", "fetch", "sst", "--kit", str(kit_lacking_sst), "--from", str(sst_copy),
        "--dir", str(tmp_path / "elsewhere"),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (tmp_path / "elsewhere" / "sst" / "train.txt").is_file()
