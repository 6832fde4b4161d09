"""Tests of autograder.data: IDX parsing of files written here, loaders, checksums, downloads.

IDX files are written by ``write_idx`` below, straight from the format description (struct +
numpy big-endian bytes), so the parser is checked against an independent writer.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from autograder import data

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
FILE_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
TYPE_CODES = {
    np.uint8: 0x08,
    np.int8: 0x09,
    np.int16: 0x0B,
    np.int32: 0x0C,
    np.float32: 0x0D,
    np.float64: 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array``: 0, 0, type code, ndim, big-endian uint32 dims, data."""
    code = TYPE_CODES[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path: Path, payload: bytes, gz: bool) -> Path:
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


def fake_dataset(folder: Path, n_train: int = 30, n_test: int = 20, gz: bool = True) -> dict:
    """Writes four small MNIST-like IDX files into ``folder``; returns arrays and digests."""
    rng = np.random.default_rng(1)
    arrays = {
        FILE_NAMES[0]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        FILE_NAMES[1]: (np.arange(n_train) % 10).astype(np.uint8),
        FILE_NAMES[2]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        FILE_NAMES[3]: (np.arange(n_test)[::-1] % 10).astype(np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    sha256, md5 = {}, {}
    for name, array in arrays.items():
        payload = idx_bytes(array)
        path = write_idx(folder / (f"{name}.gz" if gz else name), payload, gz)
        sha256[name] = hashlib.sha256(payload).hexdigest()
        md5[name] = hashlib.md5(path.read_bytes()).hexdigest()
    return {"arrays": arrays, "sha256": sha256, "md5": md5}


def patch_registry(monkeypatch, key: str, **changes) -> data.IdxDataset:
    info = dataclasses.replace(data.REGISTRY[key], **changes)
    monkeypatch.setitem(data.REGISTRY, key, info)
    return info


# --- read_idx ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", list(TYPE_CODES))
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4), (1, 2, 1, 3)])
@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path, dtype, shape, gz):
    rng = np.random.default_rng(0)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        array = rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
    else:
        array = rng.standard_normal(shape).astype(dtype)
    path = write_idx(tmp_path / ("a.idx.gz" if gz else "a.idx"), idx_bytes(array), gz)
    out = data.read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    assert out.shape == shape
    np.testing.assert_array_equal(out, array)


def test_read_idx_mnist_magic_numbers(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint64).reshape(2, 28, 28).astype(np.uint8)
    labels = np.array([3, 7], dtype=np.uint8)
    assert idx_bytes(images)[:4] == b"\x00\x00\x08\x03"
    assert idx_bytes(labels)[:4] == b"\x00\x00\x08\x01"
    np.testing.assert_array_equal(
        data.read_idx(write_idx(tmp_path / "i", idx_bytes(images), False)), images
    )
    np.testing.assert_array_equal(
        data.read_idx(write_idx(tmp_path / "l", idx_bytes(labels), True)), labels
    )


def test_read_idx_detects_gzip_by_content_not_name(tmp_path):
    array = np.arange(12, dtype=np.int16).reshape(3, 4)
    gz_named_plain = write_idx(tmp_path / "plain.gz", idx_bytes(array), gz=False)
    plain_named_gz = write_idx(tmp_path / "packed-idx2-short", idx_bytes(array), gz=True)
    np.testing.assert_array_equal(data.read_idx(gz_named_plain), array)
    np.testing.assert_array_equal(data.read_idx(plain_named_gz), array)


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_truncated_data(tmp_path, gz):
    payload = idx_bytes(np.zeros((4, 5), dtype=np.float32))
    path = write_idx(tmp_path / "short.idx", payload[:-3], gz)
    with pytest.raises(ValueError, match=r"short\.idx.*truncated IDX data"):
        data.read_idx(path)


def test_read_idx_truncated_header_and_gzip_stream(tmp_path):
    payload = idx_bytes(np.zeros((4, 5, 6), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"head\.idx.*truncated IDX header"):
        data.read_idx(write_idx(tmp_path / "head.idx", payload[:9], gz=False))
    cut = tmp_path / "cut.idx.gz"
    cut.write_bytes(gzip.compress(payload)[:-10])
    with pytest.raises(ValueError, match=r"cut\.idx\.gz.*gzip"):
        data.read_idx(cut)


@pytest.mark.parametrize(
    "magic", [b"\x00\x01\x08\x01", b"\x01\x00\x08\x01", b"\x00\x00\x0a\x01", b"\x00\x00\x07\x01"]
)
def test_read_idx_wrong_magic(tmp_path, magic):
    path = write_idx(tmp_path / "bad.idx", magic + struct.pack(">I", 2) + b"\x01\x02", gz=False)
    with pytest.raises(ValueError, match=r"bad\.idx.*not an IDX file"):
        data.read_idx(path)


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_trailing_bytes(tmp_path, gz):
    payload = idx_bytes(np.arange(6, dtype=np.int32)) + b"\x00junk"
    with pytest.raises(ValueError, match=r"long\.idx.*trailing bytes"):
        data.read_idx(write_idx(tmp_path / "long.idx", payload, gz))


# --- digits -----------------------------------------------------------------------------------


def test_digits_split_shapes_range_and_stratification():
    split = data.load_digits_split(test_fraction=0.25, seed=3)
    n = len(split.x_train) + len(split.x_test)
    assert n == 1797
    assert split.x_train.shape[1:] == split.x_test.shape[1:] == (64,)
    assert split.x_train.dtype == split.x_test.dtype == np.float64
    assert split.y_train.dtype == split.y_test.dtype == np.int64
    both = np.concatenate([split.x_train, split.x_test])
    assert both.min() == 0.0 and both.max() == 1.0
    assert split.classes == tuple(str(d) for d in range(10))
    counts_all = np.bincount(np.concatenate([split.y_train, split.y_test]), minlength=10)
    counts_test = np.bincount(split.y_test, minlength=10)
    np.testing.assert_array_equal(counts_test, np.round(0.25 * counts_all))


def test_digits_split_is_deterministic_and_a_partition():
    a, b = data.load_digits_split(seed=5), data.load_digits_split(seed=5)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    c = data.load_digits_split(seed=6)
    assert not np.array_equal(a.y_test, c.y_test) or not np.array_equal(a.x_test, c.x_test)
    from sklearn.datasets import load_digits

    rows = {r.tobytes() for r in load_digits().data / 16.0}
    assert {r.tobytes() for r in np.concatenate([a.x_train, a.x_test])} == rows


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_digits_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        data.load_digits_split(test_fraction=fraction)


# --- Fashion-MNIST from Debian's package ------------------------------------------------------


needs_debian_fashion = pytest.mark.skipif(
    not DEBIAN_FASHION.is_dir(),
    reason=f"{DEBIAN_FASHION} absent (install the Debian package dataset-fashion-mnist)",
)


@pytest.fixture(scope="module")
def empty_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("empty-cache")


@pytest.fixture(scope="module")
def fashion(empty_cache) -> data.Split:
    return data.load_fashion_mnist(cache_dir=empty_cache)


@needs_debian_fashion
def test_fashion_mnist_from_debian_package(fashion):
    assert fashion.x_train.shape == (60000, 784) and fashion.x_test.shape == (10000, 784)
    assert fashion.x_train.dtype == np.float64 and fashion.y_train.dtype == np.int64
    assert 0.0 <= fashion.x_train.min() and fashion.x_train.max() <= 1.0
    assert fashion.x_train.max() == 1.0
    np.testing.assert_array_equal(np.bincount(fashion.y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(fashion.y_test), [1000] * 10)
    assert fashion.classes[0] == "T-shirt/top" and fashion.classes[9] == "Ankle boot"


@needs_debian_fashion
def test_fashion_mnist_subset_takes_first_items_of_each_class(fashion, empty_cache):
    small = data.load_fashion_mnist(subset=(100, 30), flatten=False, cache_dir=empty_cache)
    assert small.x_train.shape == (100, 28, 28) and small.x_test.shape == (30, 28, 28)
    for full_x, full_y, x, per_class in (
        (fashion.x_train, fashion.y_train, small.x_train, 10),
        (fashion.x_test, fashion.y_test, small.x_test, 3),
    ):
        expected = np.sort(
            np.concatenate([np.flatnonzero(full_y == c)[:per_class] for c in range(10)])
        )
        np.testing.assert_array_equal(x.reshape(len(x), -1), full_x[expected])


# --- cache, checksums, downloads, errors ------------------------------------------------------


def test_cache_files_are_checked_by_decompressed_sha256(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "cache", gz=False)
    with pytest.raises(data.ChecksumError, match="train-images-idx3-ubyte.*SHA-256"):
        data.load_mnist(cache_dir=tmp_path / "cache")  # the real MNIST digests do not match
    patch_registry(monkeypatch, "mnist", sha256=fake["sha256"])
    split = data.load_mnist(cache_dir=tmp_path / "cache", flatten=False)
    np.testing.assert_array_equal(split.x_train * 255.0, fake["arrays"][FILE_NAMES[0]])
    np.testing.assert_array_equal(split.y_test, fake["arrays"][FILE_NAMES[3]])
    # Recompressing a file changes its bytes, not its decompressed content: still accepted.
    labels = tmp_path / "cache" / FILE_NAMES[1]
    (tmp_path / "cache" / f"{FILE_NAMES[1]}.gz").write_bytes(gzip.compress(labels.read_bytes(), 1))
    labels.unlink()
    data.load_mnist(cache_dir=tmp_path / "cache")
    # One flipped pixel is caught.
    images = tmp_path / "cache" / FILE_NAMES[2]
    raw = bytearray(images.read_bytes())
    raw[-1] ^= 0xFF
    images.write_bytes(bytes(raw))
    with pytest.raises(data.ChecksumError, match="t10k-images-idx3-ubyte"):
        data.load_mnist(cache_dir=tmp_path / "cache")


def test_download_from_file_url_into_cache(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "server")
    mirror = (tmp_path / "server").as_uri() + "/"
    patch_registry(
        monkeypatch, "mnist", mirrors=(mirror,), sha256=fake["sha256"], gz_md5=fake["md5"]
    )
    cache = tmp_path / "cache"
    split = data.load_mnist(cache_dir=cache, download=True)
    assert split.x_train.shape == (30, 784) and split.x_test.shape == (20, 784)
    np.testing.assert_array_equal(split.y_train, fake["arrays"][FILE_NAMES[1]])
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in FILE_NAMES)
    for name in FILE_NAMES:  # stored as served
        assert (cache / f"{name}.gz").read_bytes() == (
            tmp_path / "server" / f"{name}.gz"
        ).read_bytes()
    # Later loads use the cache, without the server and without download=True.
    for path in (tmp_path / "server").iterdir():
        path.unlink()
    again = data.load_mnist(cache_dir=cache, subset=(10, 10))
    np.testing.assert_array_equal(np.bincount(again.y_train), [1] * 10)


def test_download_only_fetches_missing_files(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "server")
    patch_registry(monkeypatch, "mnist", sha256=fake["sha256"], gz_md5=fake["md5"])
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in FILE_NAMES[:3]:
        (tmp_path / "server" / f"{name}.gz").rename(cache / f"{name}.gz")
    data.load_mnist(cache_dir=cache, download=True, mirror=(tmp_path / "server").as_uri())
    assert (cache / f"{FILE_NAMES[3]}.gz").is_file()


def test_download_checksum_mismatch_deletes_the_file(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "server")
    mirror = (tmp_path / "server").as_uri()
    wrong = dict(fake["sha256"], **{FILE_NAMES[2]: "0" * 64})
    patch_registry(monkeypatch, "mnist", mirrors=(mirror,), sha256=wrong, gz_md5=fake["md5"])
    cache = tmp_path / "cache"
    with pytest.raises(data.ChecksumError, match="t10k-images-idx3-ubyte.*SHA-256"):
        data.load_mnist(cache_dir=cache, download=True)
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in FILE_NAMES[:2])


def test_download_checks_upstream_md5_on_registry_mirrors_only(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "server")
    mirror = (tmp_path / "server").as_uri() + "/"
    wrong = dict(fake["md5"], **{FILE_NAMES[0]: "f" * 32})
    patch_registry(monkeypatch, "mnist", mirrors=(mirror,), sha256=fake["sha256"], gz_md5=wrong)
    with pytest.raises(data.ChecksumError, match="MD5"):
        data.load_mnist(cache_dir=tmp_path / "a", download=True)
    assert list((tmp_path / "a").iterdir()) == []
    # A mirror given by the caller may hold recompressed copies: only SHA-256 is checked.
    split = data.load_mnist(cache_dir=tmp_path / "b", download=True, mirror=mirror)
    assert len(split.y_train) == 30


def test_offline_error_says_what_to_fetch_and_where(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", str(tmp_path / "no-debian"))
    cache = tmp_path / "cache"
    with pytest.raises(data.DatasetNotFound) as caught:
        data.load_fashion_mnist(cache_dir=cache)
    assert isinstance(caught.value, FileNotFoundError)
    message = str(caught.value)
    for name in FILE_NAMES:
        assert f"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/{name}.gz" in message
    assert str(cache) in message and str(tmp_path / "no-debian" / "fashion-mnist") in message
    assert data.REGISTRY["fashion-mnist"].sha256[FILE_NAMES[0]] in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "autograder data fetch" in message
    assert not cache.exists()  # nothing is created without download=True


def test_offline_error_lists_only_the_missing_files(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "cache")
    patch_registry(monkeypatch, "mnist", sha256=fake["sha256"])
    (tmp_path / "cache" / f"{FILE_NAMES[1]}.gz").unlink()
    with pytest.raises(data.DatasetNotFound, match="1 of 4 files") as caught:
        data.load_mnist(cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert f"mnist/{FILE_NAMES[1]}.gz" in message
    assert all(f"/{name}.gz" not in message for name in FILE_NAMES if name != FILE_NAMES[1])
    assert "apt-get" not in message


def test_failed_download_raises_dataset_not_found(tmp_path, monkeypatch):
    patch_registry(monkeypatch, "mnist", mirrors=((tmp_path / "nowhere").as_uri() + "/",))
    with pytest.raises(data.DatasetNotFound, match="(?s)Download failed.*nowhere"):
        data.load_mnist(cache_dir=tmp_path / "cache", download=True)
    assert not list((tmp_path / "cache").glob("*.part"))


def test_subset_out_of_range(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "cache")
    patch_registry(monkeypatch, "mnist", sha256=fake["sha256"])
    with pytest.raises(ValueError, match="subset size 31"):
        data.load_mnist(cache_dir=tmp_path / "cache", subset=(31, 5))


def test_fetch_copies_a_local_copy_after_checking_each_file(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "copy", gz=False)
    patch_registry(monkeypatch, "mnist", sha256=fake["sha256"])
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", "")
    cache = tmp_path / "cache"
    said = data.sources.fetch_idx("mnist", cache, tmp_path / "copy")
    assert said.count("copied") == 4
    assert sorted(p.name for p in cache.iterdir()) == sorted(FILE_NAMES)
    assert data.sources.fetch_idx("mnist", cache).count("present") == 4  # no download
    assert len(data.load_mnist(cache_dir=cache).y_test) == 20


def test_fetch_refuses_a_damaged_copy_and_names_a_file_it_lacks(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "copy")
    wrong = dict(fake["sha256"], **{FILE_NAMES[1]: "0" * 64})
    patch_registry(monkeypatch, "mnist", sha256=wrong)
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", "")
    with pytest.raises(data.ChecksumError, match=FILE_NAMES[1]):
        data.sources.fetch_idx("mnist", tmp_path / "cache", tmp_path / "copy")
    assert not (tmp_path / "cache" / f"{FILE_NAMES[1]}.gz").exists()
    (tmp_path / "copy" / f"{FILE_NAMES[3]}.gz").unlink()
    with pytest.raises(data.DatasetNotFound) as caught:
        data.sources.fetch_idx("mnist", tmp_path / "other", tmp_path / "copy")
    message = str(caught.value)
    assert f"{FILE_NAMES[3]}.gz" in message and wrong[FILE_NAMES[3]] in message
    assert str(tmp_path / "other") in message and str(tmp_path / "copy") in message


def test_fetch_downloads_with_a_progress_bar(tmp_path, monkeypatch, capsys):
    fake = fake_dataset(tmp_path / "server")
    mirror = (tmp_path / "server").as_uri() + "/"
    patch_registry(
        monkeypatch, "mnist", mirrors=(mirror,), sha256=fake["sha256"], gz_md5=fake["md5"]
    )
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", "")
    said = data.sources.fetch_idx("mnist", tmp_path / "cache", progress=True)
    assert said.count("downloaded") == 4
    assert f"{FILE_NAMES[0]}.gz" in capsys.readouterr().err  # the bar names the file


def test_the_search_path_replaces_debians_folder(tmp_path, monkeypatch):
    fake = fake_dataset(tmp_path / "shared" / "mnist")
    patch_registry(monkeypatch, "mnist", sha256=fake["sha256"])
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", str(tmp_path / "shared"))
    assert data.sources.data_search_path() == (tmp_path / "shared",)
    assert len(data.load_mnist(cache_dir=tmp_path / "cache").y_train) == 30
    monkeypatch.setenv("AUTOGRADER_DATA_PATH", "")
    assert data.sources.data_search_path() == ()
    assert data.sources.idx_dataset_missing("mnist", tmp_path / "cache") is not None
    monkeypatch.delenv("AUTOGRADER_DATA_PATH")
    assert data.sources.data_search_path() == (Path("/usr/share/datasets"),)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("AUTOGRADER_DATA_DIR", raising=False)
    repo = Path(data.__file__).resolve().parents[2]
    assert data.default_cache_dir("mnist") == repo / "datasets" / "cache" / "mnist"
    monkeypatch.setenv("AUTOGRADER_DATA_DIR", str(tmp_path))
    assert data.default_cache_dir("fashion-mnist") == tmp_path / "fashion-mnist"


def test_standardised_uses_the_training_statistics_only():
    split = data.Split(
        np.array([[0.0, 1.0], [2.0, 1.0]]),
        np.array([0, 1]),
        np.array([[4.0, 1.0]]),
        np.array([1]),
        ("a", "b"),
    )
    out = data.standardised(split)
    np.testing.assert_allclose(out.x_train, [[-1 / 1.1, 0.0], [1 / 1.1, 0.0]])
    np.testing.assert_allclose(out.x_test, [[3 / 1.1, 0.0]])  # a constant pixel stays finite
    assert out.y_test is split.y_test and out.classes == split.classes
