"""Tests of the Stanford Sentiment Treebank parser and loader on tree files written here."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from autograder.data.sources import ChecksumError, DatasetNotFound
from autograder.topics.recurrent.data import sst

TREES = {
    "train": [
        "(3 (2 (2 The) (2 Rock)) (4 (3 (2 is) (4 great)) (2 .)))",
        "(2 (2 It) (2 (2 is) (2 a) (2 film)))",
        "(0 (1 (2 Not) (3 good)) (1 at) (2 all))",
    ],
    "dev": ["(1 (2 A) (1 dull) (2 plot))", "(4 (4 Wonderful))"],
    "test": ["(2 (2 Fine))", "(1 (1 Weak))", "(3 (3 Good))"],
}


def write_trees(folder: Path, trees=TREES) -> Path:
    (folder / "trees").mkdir(parents=True)
    for split, lines in trees.items():
        (folder / "trees" / f"{split}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_parse_tree_root_label_and_leaves():
    label, tokens = sst.parse_tree("(3 (2 (2 The) (2 Rock)) (4 (3 (2 is) (4 great)) (2 .)))")
    assert label == 3
    assert tokens == ("the", "rock", "is", "great", ".")
    assert sst.parse_tree("(0 (0 -LRB-bad-RRB-))") == (0, ("-lrb-bad-rrb-",))


@pytest.mark.parametrize(
    "line, message",
    [
        ("(3 (2 The) (2 Rock)", "unbalanced parentheses: the tree is not closed"),
        ("(3 (2 The) (2 Rock)))", "unbalanced parentheses: text after the end"),
        ("(5 (2 The) (2 Rock))", "label '5' is not one of 0..4"),
        ("(3 (x The))", "label 'x' is not one of 0..4"),
        ("(3 (2 two words))", "a leaf must hold one token"),
        ("3 (2 The)", "expected '\\(' to open a node"),
    ],
)
def test_malformed_trees_name_the_file_and_line(tmp_path: Path, line, message):
    path = tmp_path / "train.txt"
    path.write_text("(2 (2 Fine))\n" + line + "\n", encoding="utf-8")
    with pytest.raises(sst.SSTFormatError, match=message) as info:
        sst.read_sst_file(path)
    assert f"{path}:2:" in str(info.value)


def test_load_sst_five_classes_and_binary(tmp_path: Path):
    folder = write_trees(tmp_path)
    five = sst.load_sst(binary=False, cache_dir=folder)
    assert five.train.labels.tolist() == [3, 2, 0]
    assert five.train.sentences[2] == ("not", "good", "at", "all")
    assert len(five.classes) == 5
    two = sst.load_sst(cache_dir=folder)
    assert two.train.labels.tolist() == [1, 0]  # the neutral sentence dropped
    assert two.test.labels.tolist() == [0, 1]
    assert two.dev.sentences == (("a", "dull", "plot"), ("wonderful",))
    assert two.classes == ("negative", "positive")


def test_missing_files_say_where_to_get_them(tmp_path: Path):
    with pytest.raises(DatasetNotFound) as info:
        sst.load_sst(cache_dir=tmp_path / "nowhere")
    message = str(info.value)
    assert sst.SST_URL in message and sst.SST_SHA256 in message
    assert str(tmp_path / "nowhere") in message


def _archive(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for split, lines in TREES.items():
            zf.writestr(f"trees/{split}.txt", "\n".join(lines) + "\n")
    return path


def test_an_archive_with_another_checksum_is_refused(tmp_path: Path):
    _archive(tmp_path / "trainDevTestTrees_PTB.zip")
    with pytest.raises(ChecksumError, match="SHA-256"):
        sst.load_sst(cache_dir=tmp_path)


def test_a_download_is_checked_and_the_archive_used(tmp_path: Path, monkeypatch):
    source = _archive(tmp_path / "mirror.zip")
    url = source.as_uri()
    with pytest.raises(ChecksumError):
        sst.load_sst(cache_dir=tmp_path / "cache", download=True, url=url)
    assert not list((tmp_path / "cache").glob("*.part"))
    monkeypatch.setattr(sst, "SST_SHA256", hashlib.sha256(source.read_bytes()).hexdigest())
    data = sst.load_sst(cache_dir=tmp_path / "cache", download=True, url=url)
    assert len(data.train) == 2 and (tmp_path / "cache" / sst.ARCHIVE).is_file()


def test_a_failed_download_is_dataset_not_found(tmp_path: Path):
    url = (tmp_path / "absent.zip").as_uri()
    with pytest.raises(DatasetNotFound, match="Download failed"):
        sst.load_sst(cache_dir=tmp_path / "cache", download=True, url=url)


def _flat(folder: Path) -> Path:
    """The three split files directly in ``folder``, the layout most copies of the SST have."""
    folder.mkdir(parents=True)
    for split, lines in TREES.items():
        (folder / f"{split}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_folder_holding_the_three_files_directly_is_read(tmp_path: Path):
    folder = _flat(tmp_path / "sst")
    assert sst.sst_missing(folder) is None
    assert sst.load_sst(cache_dir=folder).train.labels.tolist() == [1, 0]
    assert sst.sst_files(folder) == [folder / f"{s}.txt" for s in sst.SPLITS]


def test_the_search_path_is_searched_after_the_cache(tmp_path: Path, monkeypatch):
    _flat(tmp_path / "shared" / "sst")
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", str(tmp_path / "shared"))
    assert sst.load_sst(cache_dir=tmp_path / "empty").dev.labels.tolist() == [0, 1]
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", "")
    assert "Looked in" in sst.sst_missing(tmp_path / "empty")


def test_fetch_from_a_folder_copies_the_files_once_the_trees_are_counted(tmp_path, monkeypatch):
    source, cache = _flat(tmp_path / "copy"), tmp_path / "cache"
    with pytest.raises(ChecksumError, match="8544"):  # not the published SST's counts
        sst.fetch_sst(cache, source)
    assert not cache.exists()
    monkeypatch.setattr(sst, "SST_TREES", {"train": 3, "dev": 2, "test": 3})
    assert sst.fetch_sst(cache, source).startswith("copied")
    assert sorted(p.name for p in cache.iterdir()) == ["dev.txt", "test.txt", "train.txt"]
    assert sst.fetch_sst(cache, source) == f"present: {cache}"
    assert sst.load_sst(cache_dir=cache).test.labels.tolist() == [0, 1]


def test_fetch_from_the_archive_checks_its_sha256(tmp_path, monkeypatch):
    archive = _archive(tmp_path / "trainDevTestTrees_PTB.zip")
    with pytest.raises(ChecksumError, match="SHA-256"):
        sst.fetch_sst(tmp_path / "cache", archive)
    monkeypatch.setattr(sst, "SST_SHA256", hashlib.sha256(archive.read_bytes()).hexdigest())
    sst.fetch_sst(tmp_path / "cache", tmp_path)  # the folder holding it works too
    assert (tmp_path / "cache" / sst.ARCHIVE).read_bytes() == archive.read_bytes()


def test_fetch_from_a_folder_without_the_sst_names_the_url_checksum_and_folder(tmp_path):
    (tmp_path / "other").mkdir()
    with pytest.raises(DatasetNotFound) as info:
        sst.fetch_sst(tmp_path / "cache", tmp_path / "other")
    message = str(info.value)
    for part in (sst.SST_URL, sst.SST_SHA256, str(tmp_path / "cache"), str(tmp_path / "other")):
        assert part in message
