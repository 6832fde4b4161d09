"""MNIST-like IDX data sets: where they come from, their checksums, the cache, downloads with a
clear error when offline, and the loaders. Details and licences: ``datasets/README.md``."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.data.download import download, install_copy
from autograder.data.idx import decompressed, parse_idx
from autograder.data.split import Split

__all__ = [
    "REGISTRY",
    "ChecksumError",
    "DatasetNotFound",
    "idx_dataset_missing",
    "IdxDataset",
    "data_search_path",
    "search_dirs",
    "default_cache_dir",
    "fetch_idx",
    "idx_file",
    "idx_files",
    "load_fashion_mnist",
    "load_mnist",
]

_ENV_VAR = "AUTOGRADER_DATA_DIR"
_PATH_VAR = "AUTOGRADER_DATA_PATH"
_SYSTEM_DATA = "/usr/share/datasets"  # Debian's data set packages (dataset-fashion-mnist)


class DatasetNotFound(FileNotFoundError):
    """Files are missing and were not (or could not be) downloaded; the message says what to do."""


class ChecksumError(ValueError):
    """A data file's content does not match the checksum recorded in :data:`REGISTRY`."""


# Roles of the four files of an IDX data set, and their names without ``.gz``.
_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class IdxDataset:
    """Where an IDX data set comes from and how to check it (see ``datasets/README.md``).

    Attributes:
        title: name shown in messages.
        mirrors: base URLs, tried in order; the first is the one error messages show.
        sha256: file name -> SHA-256 of the decompressed IDX content (same however it is gzipped);
            checked for every file found or downloaded.
        gz_md5: file name -> MD5 of the upstream ``.gz`` as its publisher lists it; checked on
            downloads from ``mirrors`` only.
        classes: class names; ``classes[k]`` names label ``k``.
        install_hint: how to install such a package, for the not-found message.
    """

    title: str
    mirrors: tuple[str, ...]
    sha256: dict[str, str]
    gz_md5: dict[str, str]
    classes: tuple[str, ...]
    install_hint: str = ""


# Fashion-MNIST SHA-256: computed from /usr/share/datasets/fashion-mnist (Debian package
# dataset-fashion-mnist 0.0~git20200523.55506a9-1) after decompression. Debian recompressed the
# .gz files, but their IDX content equals upstream's: public listings made from upstream downloads
# give the same four digests. Fashion-MNIST MD5: github.com/zalandoresearch/fashion-mnist README,
# "Get the Data". MNIST mirror and MD5: torchvision, torchvision/datasets/mnist.py. MNIST SHA-256:
# several independent public listings that agree; not recomputed here (no copy was at hand).
_FASHION_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
_FASHION_MD5 = {
    "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
}
_MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
_MNIST_MD5 = {
    "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
}

REGISTRY: dict[str, IdxDataset] = {
    "fashion-mnist": IdxDataset(
        title="Fashion-MNIST",
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
        sha256=_FASHION_SHA256,
        gz_md5=_FASHION_MD5,
        classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat")
        + ("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        install_hint="On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist",
    ),
    "mnist": IdxDataset(
        title="MNIST",
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",),
        sha256=_MNIST_SHA256,
        gz_md5=_MNIST_MD5,
        classes=tuple(str(d) for d in range(10)),
    ),
}


def default_cache_dir(name: str) -> Path:
    """Returns the folder where data set ``name`` (a :data:`REGISTRY` key) is looked for first.

    ``$AUTOGRADER_DATA_DIR/<name>`` when that variable is set; otherwise
    ``<repo>/datasets/cache/<name>`` when this module sits in a checkout of the kit (its parent
    folder holds ``pyproject.toml`` and ``datasets/``); otherwise, e.g. when the package is
    installed into site-packages, ``~/.cache/autograder/<name>``.
    """
    if os.environ.get(_ENV_VAR):
        return Path(os.environ[_ENV_VAR]).expanduser() / name
    repo = Path(__file__).resolve().parents[2]
    if (repo / "pyproject.toml").is_file() and (repo / "datasets").is_dir():
        return repo / "datasets" / "cache" / name
    return Path.home() / ".cache" / "autograder" / name


def data_search_path() -> tuple[Path, ...]:
    """Folders searched after the cache, each holding a folder per data set (``<dir>/<name>``).

    ``$AUTOGRADER_DATA_PATH`` (folders separated by ``os.pathsep``; set and empty: none) when
    that variable is set, otherwise ``/usr/share/datasets``, where Debian's packages put theirs
    (``dataset-fashion-mnist``: ``/usr/share/datasets/fashion-mnist``).
    """
    value = os.environ.get(_PATH_VAR)
    if value is None:
        value = _SYSTEM_DATA
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p)


def search_dirs(name: str, cache_dir: str | os.PathLike[str] | None = None) -> tuple[Path, ...]:
    """Where data set ``name`` is looked for, in order: ``cache_dir`` (default
    :func:`default_cache_dir`), then ``<dir>/<name>`` for each folder of
    :func:`data_search_path`."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir(name)
    return (folder, *(d / name for d in data_search_path()))


def _verified(raw: bytes, name: str, expected: str, source: object) -> bytes:
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected:
        raise ChecksumError(
            f"{source}: SHA-256 of the decompressed content is {digest}, expected {expected} for "
            f"{name}; the file is damaged or another version. Delete it and fetch it again."
        )
    return raw


def _download(
    info: IdxDataset, name: str, folder: Path, mirror: str | None, progress: bool = False
) -> bytes:
    """Fetches ``<name>.gz`` into ``folder`` through a ``.part`` file; returns the IDX bytes.

    Tries ``mirror``, else ``info.mirrors`` in turn; upstream's MD5 is checked in the latter case.

    Raises:
        ChecksumError: the download does not match (the partial file is deleted).
        OSError: every mirror failed; the message lists each URL and its error.
    """
    part = folder / f"{name}.gz.part"
    errors = []
    for base in (mirror,) if mirror else info.mirrors:
        url = base.rstrip("/") + f"/{name}.gz"
        try:
            download(url, part, progress=progress)
        except OSError as exc:
            errors.append(str(exc))
            continue
        try:
            md5 = hashlib.md5(part.read_bytes(), usedforsecurity=False).hexdigest()
            if not mirror and md5 != info.gz_md5[name]:
                raise ChecksumError(f"{url}: MD5 is {md5}, expected {info.gz_md5[name]}")
            raw = _verified(decompressed(part), name, info.sha256[name], url)
        except ValueError:
            part.unlink(missing_ok=True)
            raise
        os.replace(part, folder / f"{name}.gz")
        return raw
    raise OSError("Download failed: " + "; ".join(errors))


def _not_found(
    info: IdxDataset, missing: list[str], dirs: tuple[Path, ...], reason: str = ""
) -> str:
    base, *others = (m.rstrip("/") for m in info.mirrors)
    folder = dirs[0]
    lines = [f"{info.title}: {len(missing)} of {len(_FILES)} files not found.{reason}"]
    lines += ["Looked in:", *(f"  {d}" for d in dirs)]
    lines += ["Download these files (SHA-256 of the decompressed content):"]
    lines += [f"  {base}/{name}.gz  {info.sha256[name]}" for name in missing]
    lines += [f"  (also at {other}/)" for other in others]
    lines += [f"and put them (gzipped or not) in:\n  {folder}"]
    lines += [
        "or run `autograder data fetch` on a machine with internet access (with --from "
        "PATH: from a copy of the files)."
    ]
    if info.install_hint:
        lines.append(info.install_hint)
    return "\n".join(lines)


def idx_dataset_missing(key: str, cache_dir: str | os.PathLike[str] | None = None) -> str | None:
    """Why data set ``key`` (a :data:`REGISTRY` key) cannot be loaded without a download, or
    None when all its files are there. Only looks for the files (no checksum, no reading)."""
    dirs = search_dirs(key, cache_dir)
    missing = [name for name in _FILES.values() if idx_file(name, dirs) is None]
    return _not_found(REGISTRY[key], missing, dirs) if missing else None


def idx_file(name: str, dirs: tuple[Path, ...]) -> Path | None:
    """The first of ``<dir>/<name>`` and ``<dir>/<name>.gz`` that exists, over ``dirs``."""
    return next((d / n for d in dirs for n in (name, f"{name}.gz") if (d / n).is_file()), None)


def fetch_idx(key: str, dest: Path, source: Path | None = None, *, progress: bool = False) -> str:
    """Put checked copies of data set ``key``'s four files in ``dest`` unless they are found
    already (:func:`search_dirs`); say what was done.

    Args:
        key: a :data:`REGISTRY` key.
        dest: the cache folder (``default_cache_dir(key)``).
        source: a folder holding the files (raw or ``.gz``, e.g. Debian's
            ``/usr/share/datasets/fashion-mnist``) instead of the download.
        progress: show each download's progress bar.

    Raises:
        DatasetNotFound: a download failed, or ``source`` lacks a file; the message names the
            URLs, the checksums and the folder.
        ChecksumError: a file found, copied or downloaded has other content than recorded.
    """
    info, dirs = REGISTRY[key], search_dirs(key, dest)
    said, missing = [], []
    for name in _FILES.values():
        found = idx_file(name, dirs)
        if found is None:
            missing.append(name)
            continue
        _verified(decompressed(found), name, info.sha256[name], found)
        said.append(f"present: {found}")
    if source is not None:
        lacking = [name for name in missing if idx_file(name, (source,)) is None]
        if lacking:
            raise DatasetNotFound(_not_found(info, lacking, dirs, f" Not in {source} either."))
    for n, name in enumerate(missing):
        if source is None:
            try:
                _download(info, name, dest, None, progress)
            except OSError as exc:
                raise DatasetNotFound(_not_found(info, missing[n:], dirs, f"\n{exc}")) from exc
            said.append(f"downloaded: {dest / name}.gz")
            continue
        copy = idx_file(name, (source,))
        assert copy is not None
        _verified(decompressed(copy), name, info.sha256[name], copy)
        said.append(f"copied: {copy} -> {install_copy(copy, dest)}")
    return "\n".join(said)


def idx_files(key: str, cache_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The four files of data set ``key`` as found on this machine (those that are)."""
    dirs = search_dirs(key, cache_dir)
    return [f for f in (idx_file(n, dirs) for n in _FILES.values()) if f is not None]


def _stratified_first(y: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` items, classes taken in turn, each class in file order; sorted."""
    if not 0 < n <= len(y):
        raise ValueError(f"subset size {n} is not in 1..{len(y)}")
    order = np.argsort(y, kind="stable")
    sorted_y = y[order]
    rank = np.empty(len(y), dtype=np.int64)
    rank[order] = np.arange(len(y)) - np.searchsorted(sorted_y, sorted_y, side="left")
    return np.sort(np.lexsort((np.arange(len(y)), rank))[:n])


def _load_idx_dataset(
    key: str,
    subset: tuple[int, int] | None,
    flatten: bool,
    cache_dir: str | os.PathLike[str] | None,
    download: bool,
    mirror: str | None,
) -> Split:
    info = REGISTRY[key]
    dirs = search_dirs(key, cache_dir)
    folder = dirs[0]
    arrays: dict[str, np.ndarray] = {}
    missing: dict[str, str] = {}  # role -> file name
    for role, name in _FILES.items():
        found = idx_file(name, dirs)
        if found is None:
            missing[role] = name
            continue
        raw = _verified(decompressed(found), name, info.sha256[name], found)
        arrays[role] = parse_idx(raw, found)
    if missing and not download:
        raise DatasetNotFound(_not_found(info, list(missing.values()), dirs))
    for role, name in missing.items():
        try:
            raw = _download(info, name, folder, mirror)
        except OSError as exc:
            message = _not_found(info, list(missing.values()), dirs, f"\n{exc}")
            raise DatasetNotFound(message) from exc
        arrays[role] = parse_idx(raw, folder / f"{name}.gz")

    parts = []
    for split, n_keep in zip(("train", "test"), subset or (None, None), strict=True):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"].astype(np.int64)
        if images.ndim != 3 or labels.shape != images.shape[:1]:
            raise ValueError(
                f"{info.title} {split}: images {images.shape} vs labels {labels.shape}"
            )
        if n_keep is not None:
            keep = _stratified_first(labels, n_keep)
            images, labels = images[keep], labels[keep]
        x = images.astype(np.float64)  # (N, 28, 28)
        x /= 255.0
        parts += [x.reshape(len(x), -1) if flatten else x, labels]  # (N, 784) when flattened
    return Split(*parts, classes=info.classes)


def load_fashion_mnist(
    subset: tuple[int, int] | None = None,
    flatten: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = False,
    mirror: str | None = None,
) -> Split:
    """Loads Fashion-MNIST (60000 train, 10000 test images of 28x28, 10 classes of clothing).

    The four IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each raw or ``.gz``) are looked for
    in ``cache_dir`` (default :func:`default_cache_dir` ``("fashion-mnist")``), then in
    ``<dir>/fashion-mnist`` for each folder of :func:`data_search_path` (by default Debian's
    ``/usr/share/datasets/fashion-mnist``, package ``dataset-fashion-mnist``). Each file found is
    checked by the SHA-256 of its decompressed content.

    Args:
        subset: ``(n_train, n_test)`` to keep only that many items of each split, chosen without
            randomness: classes in turn, each class in file order (balanced within one item).
        flatten: images as (N, 784) when true, (N, 28, 28) when false.
        cache_dir: the folder holding the files (not a parent of it).
        download: fetch missing files into ``cache_dir`` from the upstream mirrors.
        mirror: a base URL (``https://...`` or ``file://...``) to download from instead; files
            from it are checked by SHA-256 only, not by upstream's ``.gz`` MD5.

    Returns:
        A :class:`Split`: x float64 in [0, 1], y int64 in 0..9.

    Raises:
        DatasetNotFound: files are missing and ``download`` is false or failed; the message lists
            the URLs and the folder to put the files in.
        ChecksumError: a file found or downloaded has other content than recorded.
        ValueError: a file is not valid IDX, or ``subset`` is out of range.
    """
    return _load_idx_dataset("fashion-mnist", subset, flatten, cache_dir, download, mirror)


def load_mnist(
    subset: tuple[int, int] | None = None,
    flatten: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = False,
    mirror: str | None = None,
) -> Split:
    """Loads MNIST handwritten digits (60000 train, 10000 test images of 28x28, labels 0..9).

    Files are looked for in ``cache_dir`` (default :func:`default_cache_dir` ``("mnist")``),
    then in ``<dir>/mnist`` for each folder of :func:`data_search_path`. Arguments, return value
    and errors are those of :func:`load_fashion_mnist`; downloads come from the mirror
    torchvision uses.
    """
    return _load_idx_dataset("mnist", subset, flatten, cache_dir, download, mirror)
