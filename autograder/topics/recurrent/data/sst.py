"""The Stanford Sentiment Treebank (SST): its PTB-style tree files, the download, the loader.

Socher et al., "Recursive Deep Models for Semantic Compositionality Over a Sentiment Treebank",
EMNLP 2013, <https://nlp.stanford.edu/sentiment/>. The archive ``trainDevTestTrees_PTB.zip``
holds ``trees/train.txt``, ``trees/dev.txt`` and ``trees/test.txt`` (8544, 1101 and 2210
sentences), one tree a line::

    (3 (2 (2 The) (2 Rock)) (4 (3 (2 is) (4 (2 destined) ...))) (2 .)))

Every node is ``(<label> <children or one token>)`` with a label 0..4 (very negative .. very
positive). A sentence is its leaves in order, lower-cased; its label is the root's. SST-5 keeps
the five labels; SST-2 drops the neutral sentences (2) and maps 0, 1 to 0 and 3, 4 to 1.
Checksums and sources: ``datasets/README.md``.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

from autograder.data.download import download, install_copy
from autograder.data.sources import ChecksumError, DatasetNotFound, search_dirs
from autograder.data.text import TextDataset, TextSplit

__all__ = [
    "SST_SHA256",
    "SST_URL",
    "SSTFormatError",
    "fetch_sst",
    "load_sst",
    "parse_tree",
    "read_sst_file",
    "sst_files",
    "sst_missing",
]

SST_URL = "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip"
# SHA-256 and size of the archive as listed, in agreement, by two independent public projects
# that pin and verify it (datasets/README.md); not recomputed here (no network on the kit's
# development machines).
SST_SHA256 = "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc"
SST_BYTES = 789539
SPLITS = ("train", "dev", "test")
SST_TREES = {"train": 8544, "dev": 1101, "test": 2210}
ARCHIVE = "trainDevTestTrees_PTB.zip"
SST5_CLASSES = ("very negative", "negative", "neutral", "positive", "very positive")


class SSTFormatError(ValueError):
    """A tree line that is not a well-formed SST tree; the message names the file and line."""


def parse_tree(line: str, where: str = "<tree>") -> tuple[int, tuple[str, ...]]:
    """The root label and the leaf tokens (lower-cased) of one SST tree.

    Args:
        line: ``(label ...)`` on one line.
        where: ``file:line`` for error messages.

    Raises:
        SSTFormatError: unbalanced parentheses, a label that is not 0..4, a node without a
            label or without children, text after the tree.
    """
    text = line.strip()
    pos = 0
    tokens: list[str] = []

    def fail(message: str) -> SSTFormatError:
        return SSTFormatError(f"{where}: {message} (at character {pos + 1})")

    def skip_space() -> None:
        nonlocal pos
        while pos < len(text) and text[pos] == " ":
            pos += 1

    def node() -> int:
        nonlocal pos
        if pos >= len(text) or text[pos] != "(":
            raise fail("expected '(' to open a node")
        pos += 1
        start = pos
        while pos < len(text) and text[pos] not in " ()":
            pos += 1
        label = text[start:pos]
        if label not in {"0", "1", "2", "3", "4"}:
            raise fail(f"label {label!r} is not one of 0..4")
        skip_space()
        if pos >= len(text):
            raise fail("unbalanced parentheses: the tree is not closed")
        if text[pos] == "(":
            while pos < len(text) and text[pos] == "(":
                node()
                skip_space()
        else:
            start = pos
            while pos < len(text) and text[pos] not in "()":
                pos += 1
            word = text[start:pos].strip()
            if not word or " " in word:
                raise fail(f"a leaf must hold one token, found {word!r}")
            tokens.append(word.lower())
        if pos >= len(text):
            raise fail("unbalanced parentheses: the tree is not closed")
        if text[pos] != ")":
            raise fail(f"expected ')' to close a node, found {text[pos]!r}")
        pos += 1
        return int(label)

    if not text:
        raise SSTFormatError(f"{where}: an empty line where a tree was expected")
    root = node()
    skip_space()
    if pos != len(text):
        raise fail("unbalanced parentheses: text after the end of the tree")
    return root, tuple(tokens)


def read_sst_file(path: str | os.PathLike[str]) -> list[tuple[int, tuple[str, ...]]]:
    """Every tree of one SST file as ``(root label, tokens)``, in file order.

    Raises:
        SSTFormatError: a malformed tree; the message names the file and the line.
    """
    path = Path(path)
    return _read_lines(path.read_text(encoding="utf-8").splitlines(), str(path))


def _read_lines(lines: list[str], where: str) -> list[tuple[int, tuple[str, ...]]]:
    return [parse_tree(line, f"{where}:{n}") for n, line in enumerate(lines, start=1)]


def _split(trees: list[tuple[int, tuple[str, ...]]], binary: bool) -> TextSplit:
    if binary:
        trees = [(0 if label < 2 else 1, tokens) for label, tokens in trees if label != 2]
    labels = np.array([label for label, _ in trees], dtype=np.int64)
    return TextSplit(tuple(tokens for _, tokens in trees), labels)


def _trees_folder(folder: Path) -> Path | None:
    """``folder`` or ``folder/trees`` when it holds the three split files, else None."""
    for place in (folder, folder / "trees"):
        if all((place / f"{s}.txt").is_file() for s in SPLITS):
            return place
    return None


def _find(dirs: tuple[Path, ...]) -> Path | None:
    """The first copy of the SST in ``dirs``: a folder of the three files, or the archive."""
    for folder in dirs:
        trees = _trees_folder(folder)
        if trees is not None:
            return trees
        if (folder / ARCHIVE).is_file():
            return folder / ARCHIVE
    return None


def _checked_archive(archive: Path) -> zipfile.ZipFile:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SST_SHA256:
        raise ChecksumError(
            f"{archive}: SHA-256 is {digest}, expected {SST_SHA256}; the file is damaged or "
            "another version. Delete it and fetch it again."
        )
    return zipfile.ZipFile(archive)


def _read_splits(found: Path) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """The trees of each split from a folder of the three files or the archive (checked)."""
    if found.is_dir():
        return {s: read_sst_file(found / f"{s}.txt") for s in SPLITS}
    with _checked_archive(found) as zf:
        return {
            s: _read_lines(zf.read(f"trees/{s}.txt").decode("utf-8").splitlines(), f"{found}:{s}")
            for s in SPLITS
        }


def _not_found(dirs: tuple[Path, ...], reason: str = "") -> str:
    folder = dirs[0]
    return "\n".join(
        [
            f"Stanford Sentiment Treebank: not found.{reason}",
            "Looked in:",
            *(f"  {d}" for d in dirs),
            f"Download\n  {SST_URL}\n({SST_BYTES} bytes, SHA-256 {SST_SHA256})",
            f"and put it in {folder} (as it is, or unzipped: train.txt, dev.txt and test.txt, "
            "directly or in trees/),",
            "or run `autograder data fetch sst` on a machine with internet access "
            "(--from PATH: from the archive or a folder of the three files).",
        ]
    )


def sst_missing(cache_dir: str | os.PathLike[str] | None = None) -> str | None:
    """Why the SST cannot be loaded without a download, or None when its three split files or
    its archive are in one of the folders searched (not read or checked)."""
    dirs = search_dirs("sst", cache_dir)
    return None if _find(dirs) is not None else _not_found(dirs)


def sst_files(cache_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The files of the first copy of the SST found (the three splits, or the archive)."""
    found = _find(search_dirs("sst", cache_dir))
    if found is None:
        return []
    return [found / f"{s}.txt" for s in SPLITS] if found.is_dir() else [found]


def fetch_sst(
    dest: Path, source: Path | None = None, *, url: str = SST_URL, progress: bool = False
) -> str:
    """Put a checked copy of the SST in ``dest`` unless one is found already; say what was done.

    Args:
        dest: the cache folder (``default_cache_dir("sst")``).
        source: a local copy instead of the download: the archive (checked by SHA-256), or a
            folder holding it or ``train.txt``, ``dev.txt`` and ``test.txt`` (directly or in
            ``trees/``; checked by parsing every tree and counting 8544, 1101 and 2210).
        url: where to download from when ``source`` is None.
        progress: show the download's progress bar.

    Raises:
        DatasetNotFound: the download failed or ``source`` holds no copy; the message names the
            URL, the checksum and the folder.
        ChecksumError: the archive, or the trees' counts, are not those recorded.
        SSTFormatError: a malformed tree.
    """
    dirs = search_dirs("sst", dest)
    found = _find(dirs)
    if found is not None:
        return f"present: {found}"
    if source is None:
        try:
            part = download(url, dest / f"{ARCHIVE}.part", progress=progress)
            _checked_archive(part).close()
        except OSError as exc:
            raise DatasetNotFound(_not_found(dirs, f"\nDownload failed: {exc}")) from exc
        except ChecksumError:
            (dest / f"{ARCHIVE}.part").unlink(missing_ok=True)
            raise
        os.replace(part, dest / ARCHIVE)
        return f"downloaded {url} -> {dest / ARCHIVE}"
    copy = _find((source,)) if source.is_dir() else source
    if copy is None or (copy.is_file() and copy.suffix != ".zip"):
        held = f"\n{source} holds neither {ARCHIVE} nor train.txt, dev.txt and test.txt."
        raise DatasetNotFound(_not_found(dirs, held))
    splits = _read_splits(copy)  # the archive's checksum, or every tree parsed
    if copy.is_dir():
        counts = {s: len(trees) for s, trees in splits.items()}
        if counts != SST_TREES:
            raise ChecksumError(
                f"{copy}: {counts} trees, expected {SST_TREES} (the published SST); "
                "another version or a damaged copy"
            )
    for path in [copy / f"{s}.txt" for s in SPLITS] if copy.is_dir() else [copy]:
        install_copy(path, dest)
    return f"copied {copy} -> {dest}"


def load_sst(
    binary: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = False,
    url: str = SST_URL,
) -> TextDataset:
    """The SST sentences (root labels), SST-2 (``binary``) or SST-5.

    Looks in ``cache_dir`` (default ``default_cache_dir("sst")``), then in ``<dir>/sst`` for each
    folder of ``data_search_path()``, for ``train.txt``, ``dev.txt`` and ``test.txt`` (directly
    or in ``trees/``), else ``trainDevTestTrees_PTB.zip`` (checked by SHA-256 and read in place);
    downloads the archive into ``cache_dir`` when none is found and ``download`` is true.

    Args:
        binary: SST-2 (neutral dropped; classes negative, positive) or SST-5.
        cache_dir: the folder holding the three files, ``trees/`` or the archive.
        download: fetch the archive from ``url`` when missing.
        url: where to download from (``https://`` or ``file://``), checked by SHA-256.

    Raises:
        DatasetNotFound: files missing and ``download`` false or failing; the message gives the
            URL, the checksum and the folder.
        ChecksumError: the archive has other content than recorded.
        SSTFormatError: a malformed tree (file and line named).
    """
    dirs = search_dirs("sst", cache_dir)
    found = _find(dirs)
    if found is None:
        if not download:
            raise DatasetNotFound(_not_found(dirs))
        fetch_sst(dirs[0], url=url)
        found = dirs[0] / ARCHIVE
    trees = _read_splits(found)
    splits = [_split(trees[s], binary) for s in SPLITS]
    classes = ("negative", "positive") if binary else SST5_CLASSES
    return TextDataset(*splits, classes=classes)
