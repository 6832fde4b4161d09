"""The channel's decoder is the grader's attack surface: whatever bytes a worker sends, the grader
either gets data or a ``ChannelError``, and a test fails with a clear message; never a crash, a
hang or unbounded memory. Fast property tests here; ``benchmarks/fuzz_channel.py`` runs a million.
"""

from __future__ import annotations

import json
import os
import struct
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.runtime.channel import (
    ALLOWED_DTYPES,
    MAX_DEPTH,
    MAX_DOC_BYTES,
    MAX_FRAME_BYTES,
    ChannelError,
    Ref,
    decode,
    encode,
    read_frame,
    write_frame,
)
from autograder.runtime.errors import WorkerCrashed
from autograder.runtime.session import Session

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
arrays = hnp.arrays(
    dtype=st.sampled_from(["bool", "int8", "int64", "uint16", "float32", "float64", "complex128"]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
)
values = st.recursive(
    st.one_of(scalars, arrays),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)


def _frame(doc: object, buffers: list[bytes] = ()) -> bytes:
    """A frame body around any JSON document (and raw buffers), valid or not."""
    text = json.dumps(doc).encode()
    sizes = [len(text)] + [len(b) for b in buffers]
    return struct.pack(f"<I{len(sizes)}Q", len(buffers), *sizes) + text + b"".join(buffers)


def _decodes_or_refuses(body: bytes) -> None:
    try:
        decode(body)
    except ChannelError:
        pass


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b, True)
    if isinstance(a, (list, tuple)):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b and type(a) is type(b)


@FAST
@given(values)
def test_every_value_that_may_cross_comes_back_equal(value):
    assert _same(value, decode(encode(value)))


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_are_data_or_a_channel_error(body):
    _decodes_or_refuses(body)


@FAST
@given(values, st.data())
def test_damaged_frames_are_data_or_a_channel_error(value, data):
    body = bytearray(encode(value))
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, max(0, len(body) - 1)))
        kind = data.draw(st.sampled_from(["flip", "cut", "grow", "byte"]))
        if kind == "flip" and body:
            body[where] ^= 1 << data.draw(st.integers(0, 7))
        elif kind == "cut":
            del body[where:]
        elif kind == "grow":
            body[where:where] = data.draw(st.binary(min_size=1, max_size=16))
        elif body:
            body[where] = data.draw(st.integers(0, 255))
    _decodes_or_refuses(bytes(body))


@FAST
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6), st.floats()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)
        ),
        max_leaves=12,
    ),
    st.lists(st.binary(max_size=24), max_size=3),
)
def test_documents_of_any_shape_with_any_buffers_are_data_or_a_channel_error(doc, buffers):
    _decodes_or_refuses(_frame(doc, buffers))


@FAST
@example("<c16", [0, 433, 433, 45847, 67063008], 0, b"")  # empty, but no array can be that shape
@given(
    st.one_of(st.sampled_from(sorted(ALLOWED_DTYPES)), st.text(max_size=6)),
    st.lists(st.integers(-3, 2**40), max_size=40),
    st.integers(-2, 3),
    st.binary(max_size=64),
)
def test_arrays_with_wrong_dtypes_shapes_or_buffers_are_refused_cleanly(dtype, shape, index, raw):
    doc = {"__nd__": index, "dtype": dtype, "shape": shape}
    try:
        array = decode(_frame(doc, [raw]))
    except ChannelError:
        return
    assert array.dtype.str == dtype and list(array.shape) == shape and array.nbytes == len(raw)


@pytest.mark.parametrize(
    "body",
    [
        _frame(json.loads("[" * 50 + "]" * 50)),  # nested past MAX_DEPTH
        struct.pack("<IQ", 0, 200_000) + b"[" * 200_000,  # nested past the JSON parser's stack
        _frame({"__int__": "9" * 100_000}),  # an integer too long to parse
        _frame(json.loads("[" + "0," * 1_100_000 + "0]")),  # more than MAX_ITEMS values
        struct.pack("<IQ", 0, MAX_DOC_BYTES + 1) + b" " * (MAX_DOC_BYTES + 1),
        _frame({"__nd__": 0, "dtype": "<f8", "shape": [1] * 40}, [b"\0" * 8]),
        _frame({"__nd__": 0, "dtype": "|O", "shape": [1]}, [b"\0" * 8]),
        _frame({"__ref__": "1"}),
        struct.pack("<I", 2**31) + b"\0" * 16,  # announces more buffers than there are
    ],
    ids=[
        "deep_list",
        "deeper_than_json_parser",
        "huge_int",
        "too_many_items",
        "document_over_limit",
        "too_many_dimensions",
        "object_dtype",
        "ref_with_string_id",
        "buffer_count_lie",
    ],
)
def test_hostile_documents_are_refused_with_a_channel_error(body):
    with pytest.raises(ChannelError):
        decode(body)
    assert MAX_DEPTH < 50


def _pipe_with(data: bytes) -> int:
    read_end, write_end = os.pipe()

    def feed() -> None:
        try:
            os.write(write_end, data)
        finally:
            os.close(write_end)

    threading.Thread(target=feed, daemon=True).start()
    return read_end


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"AGW1" + struct.pack("<I", 100) + b"short", EOFError),
        (b"XXXX" + struct.pack("<I", 4) + b"abcd", ChannelError),
        (b"AGW1" + struct.pack("<I", MAX_FRAME_BYTES + 1), ChannelError),
        (b"AG", EOFError),
    ],
    ids=["truncated", "bad_magic", "oversized", "cut_header"],
)
def test_frames_cut_short_or_oversized_end_the_read(data, error):
    fd = _pipe_with(data)
    try:
        with pytest.raises(error):
            read_frame(fd)
    finally:
        os.close(fd)


def test_a_frame_read_back_whole_through_a_pipe():
    body = encode({"x": np.arange(5.0)})
    read_end, write_end = os.pipe()
    write_frame(write_end, body)
    os.close(write_end)
    assert read_frame(read_end) == body
    os.close(read_end)


class _Replies(Session):
    """A session whose 'worker' answers with given bytes."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body
        self.restarts = 0

    def _exchange(self, body: bytes) -> bytes:
        return self.body

    def restart(self) -> None:
        self.restarts += 1


@FAST
@given(st.one_of(st.binary(max_size=200), values.map(encode)))
def test_any_reply_fails_the_request_with_a_message_or_gives_a_value(body):
    session = _Replies(body)
    try:
        session.request("ping")
    except WorkerCrashed as exc:
        assert "malformed reply" in str(exc) and session.restarts == 1
    except Exception as exc:  # a well-formed error reply becomes a SubmissionError
        assert type(exc).__name__ == "SubmissionError", repr(exc)


def test_a_reply_that_is_not_a_reply_restarts_the_worker():
    session = _Replies(encode([1, 2, 3]))
    with pytest.raises(WorkerCrashed, match="malformed reply"):
        session.request("ping")
    assert session.restarts == 1
    ok = _Replies(encode({"ok": True, "value": Ref(3).id}))
    assert ok.request("ping") == 3
