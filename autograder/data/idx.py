"""The IDX format of MNIST-like data sets: gzip or raw, checked field by field."""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["read_idx"]

# IDX type code -> big-endian numpy dtype (format of LeCun's MNIST page).
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


def decompressed(path: Path) -> bytes:
    """Returns the file's bytes, gunzipped if they start with the gzip magic (whatever the name)."""
    raw = path.read_bytes()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{path}: damaged or truncated gzip data ({exc})") from exc


def parse_idx(raw: bytes, source: object) -> np.ndarray:
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{source}: not an IDX file: magic bytes {raw[:4].hex()!r}, expected 0000 then a type "
            f"code in {sorted(f'{c:02x}' for c in _IDX_DTYPES)} and the number of dimensions"
        )
    dtype, ndim = np.dtype(_IDX_DTYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{source}: truncated IDX header ({len(raw)} of {header} bytes)")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    count = int(np.prod(dims, dtype=np.int64))
    expected = header + count * dtype.itemsize
    if len(raw) != expected:
        what = "truncated IDX data" if len(raw) < expected else "trailing bytes after IDX data"
        raise ValueError(
            f"{source}: {what}: header says shape {dims} of {dtype.name}, {expected} bytes in all, "
            f"but the (decompressed) file has {len(raw)}"
        )
    array = np.frombuffer(raw, dtype=dtype, count=count, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="))  # native byte order, a writable copy


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Reads an IDX file (the MNIST format), raw or gzipped.

    Args:
        path: the file; gzip is detected by its first two bytes, not by the ``.gz`` suffix.

    Returns:
        The array in native byte order: e.g. uint8 (N, 28, 28) for MNIST images, uint8 (N,) labels.

    Raises:
        ValueError: naming the file, for a wrong magic number or type code, damaged gzip data, or
            a size that differs from the header's (truncated data or trailing bytes).
    """
    path = Path(path)
    return parse_idx(decompressed(path), path)
