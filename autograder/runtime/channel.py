"""The wire format between the grader and the submission's worker: data only, never pickle.

A message is one frame: an 8-byte header (magic ``AGW1`` and the body length), then a body made of
a JSON document and the raw bytes of every array it names. Values that may cross:

- ``None``, ``bool``, ``int``, ``float``, ``str``;
- lists, tuples (they arrive as lists) and dicts with string keys, nested at most ``MAX_DEPTH``;
- numpy arrays of a numeric or boolean dtype (object, string and structured dtypes are refused);
  numpy scalars arrive as Python numbers; TensorFlow and PyTorch tensors arrive as arrays;
- references to objects that stay on the other side, as ``Ref`` values.

Decoding checks every field: unknown tags, dtypes, shapes that disagree with the byte count, frames
larger than the limit, documents larger than ``MAX_DOC_BYTES``, nesting deeper than the limit and
more than ``MAX_ITEMS`` values are refused with ``ChannelError``, and so is anything else wrong
with the bytes: whatever a worker sends, decoding either returns data or raises ``ChannelError``
(fuzzed in the kit's tests and by ``benchmarks/fuzz_channel.py``).
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ALLOWED_DTYPES",
    "MAX_DEPTH",
    "MAX_FRAME_BYTES",
    "ChannelError",
    "Ref",
    "decode",
    "encode",
    "read_frame",
    "write_frame",
]

MAGIC = b"AGW1"
MAX_FRAME_BYTES = 512 * 1024 * 1024
MAX_DOC_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
MAX_DIMS = 32
ALLOWED_DTYPES = frozenset(
    np.dtype(t).str
    for t in (
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    )
)


class ChannelError(ValueError):
    """A value that may not cross the channel, or a malformed frame."""


@dataclass(frozen=True)
class Ref:
    """A reference to an object that lives on the other side of the channel.

    Attributes:
        id: the object's number in the owner's table.
        type_name: the object's class name, for messages only.
        callable: whether the object can be called.
    """

    id: int
    type_name: str = "object"
    callable: bool = False


def _tensor_to_array(value: Any) -> np.ndarray | None:
    """Return a numpy copy of a TensorFlow or PyTorch tensor, or None for anything else."""
    module = type(value).__module__
    if module.startswith("torch"):
        import torch

        if isinstance(value, torch.Tensor):
            return value.detach().cpu().numpy()
    if module.startswith(("tensorflow", "tf_keras", "keras")) and hasattr(value, "numpy"):
        import tensorflow as tf

        if isinstance(value, (tf.Tensor, tf.Variable)):
            return np.asarray(value.numpy())
    return None


def encode(value: Any, to_ref: Callable[[Any], Ref] | None = None) -> bytes:
    """Encode a value as a frame body.

    Args:
        value: the value to send.
        to_ref: called for any object that is not data; returns the ``Ref`` that stands for it.
            Without it such objects are refused.

    Returns:
        The body bytes (without the 8-byte frame header).

    Raises:
        ChannelError: the value holds something that may not cross.
    """
    buffers: list[bytes] = []
    count = [0]

    def walk(v: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ChannelError(f"value nested deeper than {MAX_DEPTH} levels")
        count[0] += 1
        if count[0] > MAX_ITEMS:
            raise ChannelError(f"value holds more than {MAX_ITEMS} items")
        if v is None or type(v) in (bool, str):
            return v
        if type(v) is int:
            return v if abs(v) < 2**63 else {"__int__": str(v)}
        if type(v) is float:
            return v if math.isfinite(v) else {"__float__": repr(v)}
        if isinstance(v, Ref):
            return {"__ref__": v.id, "type": v.type_name, "callable": v.callable}
        if isinstance(v, np.generic) and type(v).__module__ == "numpy":
            return walk(v.item(), depth)
        if type(v) in (list, tuple):
            return [walk(x, depth + 1) for x in v]
        if type(v) is dict:
            if not all(type(k) is str for k in v):
                raise ChannelError("dict keys must be strings")
            return {"__dict__": {k: walk(x, depth + 1) for k, x in v.items()}}
        array = v if type(v) is np.ndarray else _tensor_to_array(v)
        if array is not None:
            if array.dtype.str not in ALLOWED_DTYPES and array.dtype.newbyteorder("=").str not in (
                ALLOWED_DTYPES
            ):
                raise ChannelError(f"arrays of dtype {array.dtype} may not cross the channel")
            array = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")  # keeps 0-d
            buffers.append(array.tobytes())
            return {
                "__nd__": len(buffers) - 1,
                "dtype": array.dtype.str,
                "shape": list(array.shape),
            }
        if to_ref is not None:
            return walk(to_ref(v), depth)
        raise ChannelError(f"a {type(v).__name__} may not cross the channel")

    doc = json.dumps(walk(value, 0), allow_nan=False, separators=(",", ":")).encode()
    sizes = [len(doc)] + [len(b) for b in buffers]
    head = struct.pack(f"<I{len(sizes)}Q", len(buffers), *sizes)
    body = b"".join([head, doc, *buffers])
    if len(body) > MAX_FRAME_BYTES:
        raise ChannelError(f"message of {len(body)} bytes exceeds the {MAX_FRAME_BYTES}-byte limit")
    return body


def decode(body: bytes, from_ref: Callable[[Ref], Any] | None = None) -> Any:
    """Decode a frame body produced by ``encode``.

    Args:
        body: the frame body.
        from_ref: turns each ``Ref`` into the local object that stands for it; refs stay ``Ref``
            values without it.

    Raises:
        ChannelError: the body is malformed or holds something that may not cross.
    """
    try:
        (n_buf,) = struct.unpack_from("<I", body, 0)
        if n_buf > MAX_ITEMS:
            raise ChannelError("too many arrays")
        sizes = struct.unpack_from(f"<{n_buf + 1}Q", body, 4)
    except struct.error as exc:
        raise ChannelError(f"malformed frame: {exc}") from None
    offset = 4 + 8 * (n_buf + 1)
    if offset + sum(sizes) != len(body):
        raise ChannelError("frame length disagrees with its parts")
    if sizes[0] > MAX_DOC_BYTES:
        raise ChannelError(f"frame document over {MAX_DOC_BYTES} bytes")
    try:
        doc = json.loads(body[offset : offset + sizes[0]].decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, huge ints, deep nesting
        raise ChannelError(f"malformed frame document: {str(exc)[:200]}") from None
    views = []
    pos = offset + sizes[0]
    for size in sizes[1:]:
        views.append(body[pos : pos + size])
        pos += size

    count = [0]

    def walk(v: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ChannelError(f"value nested deeper than {MAX_DEPTH} levels")
        count[0] += 1
        if count[0] > MAX_ITEMS:
            raise ChannelError(f"value holds more than {MAX_ITEMS} items")
        if v is None or type(v) in (bool, int, float, str):
            return v
        if type(v) is list:
            return [walk(x, depth + 1) for x in v]
        if type(v) is not dict or len(v) == 0:
            raise ChannelError(f"unexpected {type(v).__name__} in frame")
        if "__dict__" in v and len(v) == 1 and type(v["__dict__"]) is dict:
            return {str(k): walk(x, depth + 1) for k, x in v["__dict__"].items()}
        if "__nd__" in v:
            return _array(v)
        if "__ref__" in v and type(v["__ref__"]) is int:
            ref = Ref(v["__ref__"], str(v.get("type", "object")), bool(v.get("callable", False)))
            return from_ref(ref) if from_ref is not None else ref
        if "__int__" in v and type(v["__int__"]) is str:
            try:
                return int(v["__int__"])
            except ValueError:
                raise ChannelError("malformed integer in frame") from None
        if "__float__" in v and v["__float__"] in ("inf", "-inf", "nan"):
            return float(v["__float__"])
        raise ChannelError(f"unknown tag in frame: {sorted(v)[:3]}")

    def _array(v: dict) -> np.ndarray:
        index, dtype, shape = v.get("__nd__"), v.get("dtype"), v.get("shape")
        if type(index) is not int or not 0 <= index < len(views):
            raise ChannelError("array refers to a missing buffer")
        if dtype not in ALLOWED_DTYPES:
            raise ChannelError(f"arrays of dtype {dtype!r} may not cross the channel")
        if type(shape) is not list or not all(type(s) is int and s >= 0 for s in shape):
            raise ChannelError("malformed array shape")
        if len(shape) > MAX_DIMS:
            raise ChannelError(f"array of more than {MAX_DIMS} dimensions")
        dt = np.dtype(dtype)
        if math.prod(shape) * dt.itemsize != len(views[index]):
            raise ChannelError("array shape disagrees with its byte count")
        # numpy refuses a shape whose non-zero sizes overflow, even with a 0 among them
        if math.prod(s for s in shape if s) * dt.itemsize > np.iinfo(np.intp).max:
            raise ChannelError("array shape larger than any array can be")
        return np.frombuffer(views[index], dtype=dt).reshape(shape).copy()

    return walk(doc, 0)


def write_frame(fd: int, body: bytes) -> None:
    """Write one frame (header and body) to a file descriptor."""
    import os

    data = memoryview(MAGIC + struct.pack("<I", len(body)) + body)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exactly(fd: int, n: int, wait: Callable[[], None] | None = None) -> bytes:
    """Read exactly n bytes from fd, calling ``wait`` before each read; EOF raises EOFError."""
    import os

    chunks = []
    while n:
        if wait is not None:
            wait()
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("channel closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, wait: Callable[[], None] | None = None) -> bytes:
    """Read one frame body from fd.

    Args:
        fd: the file descriptor.
        wait: called before each read; it may raise (for example when a deadline passes).

    Raises:
        EOFError: the other side closed the channel.
        ChannelError: the header is malformed or announces a body over the size limit.
    """
    head = read_exactly(fd, 8, wait)
    if head[:4] != MAGIC:
        raise ChannelError("garbage on the channel (bad frame magic)")
    (length,) = struct.unpack("<I", head[4:])
    if length > MAX_FRAME_BYTES:
        raise ChannelError(f"frame of {length} bytes exceeds the {MAX_FRAME_BYTES}-byte limit")
    return read_exactly(fd, length, wait)
