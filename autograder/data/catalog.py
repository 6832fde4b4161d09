"""The data sets a graded test may need (``requires("fashion-mnist")``), by name: whether this
machine has each, the files a copy consists of, and how to fetch one into the cache.

``autograder data list`` and ``autograder data fetch`` (``autograder.cli``) are built on
:data:`CATALOG`; so are the grading machine's requirement checks
(``autograder.runtime.requirements``) and the data shipped to Dask workers
(``autograder.grading.bundle``). Where each is looked for: :func:`~autograder.data.sources.
search_dirs` (the cache, then ``$AUTOGRADER_DATA_PATH``, by default ``/usr/share/datasets``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.data.sources import REGISTRY, default_cache_dir, fetch_idx, idx_dataset_missing
from autograder.data.sources import idx_files as _idx_files
from autograder.topics.recurrent.data.sst import (
    SST_SHA256,
    SST_URL,
    fetch_sst,
    sst_files,
    sst_missing,
)

__all__ = ["CATALOG", "DataSet", "data_set"]


@dataclass(frozen=True)
class DataSet:
    """One data set the kit can fetch.

    Attributes:
        name: its key, as graded tests name it in ``requires(...)``; also its cache folder's name.
        title: the name shown to people.
        origin: where downloads come from (a URL) and how they are checked, in one line.
        local_copy: what ``--from PATH`` may point to.
        missing: why it cannot be loaded here without a download, or None (files looked for, not
            read).
        files: the files of the copy found here (none when missing).
        fetch: ``fetch(dest, source, progress)`` puts a checked copy in ``dest`` (the cache
            folder) unless one is found, from ``source`` (a local copy) or a download; returns
            what it did.
    """

    name: str
    title: str
    origin: str
    local_copy: str
    missing: Callable[[], str | None]
    files: Callable[[], list[Path]]
    fetch: Callable[[Path, Path | None, bool], str]

    def cache(self) -> Path:
        """The folder ``fetch`` fills (``default_cache_dir(name)``)."""
        return default_cache_dir(self.name)


def _idx(key: str) -> DataSet:
    info = REGISTRY[key]
    return DataSet(
        name=key,
        title=info.title,
        origin=f"{info.mirrors[0]} (4 files, each checked by the SHA-256 of its content)",
        local_copy="a folder holding the 4 IDX files, raw or .gz"
        + (f" (Debian's /usr/share/datasets/{key} is one)" if info.install_hint else ""),
        missing=lambda: idx_dataset_missing(key),
        files=lambda: _idx_files(key),
        fetch=lambda dest, source, progress: fetch_idx(key, dest, source, progress=progress),
    )


CATALOG: dict[str, DataSet] = {
    "fashion-mnist": _idx("fashion-mnist"),
    "mnist": _idx("mnist"),
    "sst": DataSet(
        name="sst",
        title="the Stanford Sentiment Treebank",
        origin=f"{SST_URL} (SHA-256 {SST_SHA256[:12]}...)",
        local_copy="trainDevTestTrees_PTB.zip, or a folder holding train.txt, dev.txt and "
        "test.txt (directly or in trees/)",
        missing=sst_missing,
        files=sst_files,
        fetch=lambda dest, source, progress: fetch_sst(dest, source, progress=progress),
    ),
}


def data_set(name: str) -> DataSet:
    """The data set called ``name``.

    Raises:
        KeyError: no such data set; the message lists the known ones.
    """
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"unknown data set {name!r} (known: {', '.join(CATALOG)})") from None
