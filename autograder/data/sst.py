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
import http.client
import os
import shutil
import urllib.request
import zipfile
from pathlib import Path

import numpy as np

from autograder.data.sources import ChecksumError, DatasetNotFound, default_cache_dir
from autograder.data.text import TextDataset, TextSplit

__all__ = [
    "SST_SHA256",
    "SST_URL",
    "SSTFormatError",
    "load_sst",
    "parse_tree",
    "read_sst_file",
    "sst_missing",
]

SST_URL = "https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip"
# SHA-256 and size of the archive as listed, in agreement, by two independent public projects
# that pin and verify it (datasets/README.md); not recomputed here (no network on the kit's
# development machines).
SST_SHA256 = "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc"
SST_BYTES = 789539
SPLITS = ("train", "dev", "test")
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
    trees = []
    with path.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            trees.append(parse_tree(line, f"{path}:{lineno}"))
    return trees


def _split(trees: list[tuple[int, tuple[str, ...]]], binary: bool) -> TextSplit:
    if binary:
        trees = [(0 if label < 2 else 1, tokens) for label, tokens in trees if label != 2]
    labels = np.array([label for label, _ in trees], dtype=np.int64)
    return TextSplit(tuple(tokens for _, tokens in trees), labels)


def _fetch(url: str, folder: Path) -> Path:
    """Download the archive into ``folder`` through a ``.part`` file, checked by SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "trainDevTestTrees_PTB.zip"
    part = folder / "trainDevTestTrees_PTB.zip.part"
    try:
        with urllib.request.urlopen(url, timeout=60) as response, part.open("wb") as out:
            shutil.copyfileobj(response, out)
    except (OSError, http.client.HTTPException) as exc:
        part.unlink(missing_ok=True)
        raise OSError(f"{url}: {exc}") from exc
    digest = hashlib.sha256(part.read_bytes()).hexdigest()
    if digest != SST_SHA256:
        part.unlink(missing_ok=True)
        raise ChecksumError(f"{url}: SHA-256 is {digest}, expected {SST_SHA256}")
    os.replace(part, target)
    return target


def _not_found(folder: Path, reason: str = "") -> str:
    return "\n".join(
        [
            f"Stanford Sentiment Treebank: not found.{reason}",
            f"Looked in:\n  {folder}",
            f"Download\n  {SST_URL}\n({SST_BYTES} bytes, SHA-256 {SST_SHA256})",
            f"and put it in that folder (as it is, or unzipped: {folder}/trees/train.txt, "
            "dev.txt, test.txt),",
            "or pass download=True on a machine with internet access.",
        ]
    )


def _extract(archive: Path, folder: Path) -> None:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SST_SHA256:
        raise ChecksumError(
            f"{archive}: SHA-256 is {digest}, expected {SST_SHA256}; the file is damaged or "
            "another version. Delete it and fetch it again."
        )
    with zipfile.ZipFile(archive) as zf:
        for split in SPLITS:
            data = zf.read(f"trees/{split}.txt")
            (folder / "trees").mkdir(parents=True, exist_ok=True)
            (folder / "trees" / f"{split}.txt").write_bytes(data)


def sst_missing(cache_dir: str | os.PathLike[str] | None = None) -> str | None:
    """Why the SST cannot be loaded without a download, or None when its trees or its archive
    are there (not read or checked)."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir("sst")
    trees = all((folder / "trees" / f"{s}.txt").is_file() for s in SPLITS)
    if trees or (folder / "trainDevTestTrees_PTB.zip").is_file():
        return None
    return _not_found(folder)


def load_sst(
    binary: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = False,
    url: str = SST_URL,
) -> TextDataset:
    """The SST sentences (root labels), SST-2 (``binary``) or SST-5.

    Looks for ``trees/{train,dev,test}.txt`` in ``cache_dir`` (default
    ``default_cache_dir("sst")``), else for ``trainDevTestTrees_PTB.zip`` there (checked by
    SHA-256 and unzipped), else downloads it when ``download`` is true.

    Args:
        binary: SST-2 (neutral dropped; classes negative, positive) or SST-5.
        cache_dir: the folder holding ``trees/`` or the archive.
        download: fetch the archive from ``url`` when missing.
        url: where to download from (``https://`` or ``file://``), checked by SHA-256.

    Raises:
        DatasetNotFound: files missing and ``download`` false or failing; the message gives the
            URL, the checksum and the folder.
        ChecksumError: the archive has other content than recorded.
        SSTFormatError: a malformed tree (file and line named).
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir("sst")
    trees = folder / "trees"
    if not all((trees / f"{s}.txt").is_file() for s in SPLITS):
        archive = folder / "trainDevTestTrees_PTB.zip"
        if not archive.is_file():
            if not download:
                raise DatasetNotFound(_not_found(folder))
            try:
                archive = _fetch(url, folder)
            except OSError as exc:
                raise DatasetNotFound(_not_found(folder, f"\nDownload failed: {exc}")) from exc
        _extract(archive, folder)
    splits = [_split(read_sst_file(trees / f"{s}.txt"), binary) for s in SPLITS]
    classes = ("negative", "positive") if binary else SST5_CLASSES
    return TextDataset(*splits, classes=classes)
