"""The channel carries data only: values round-trip, everything else is refused."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.runtime.channel import MAX_DEPTH, ChannelError, Ref, decode, encode


@pytest.mark.parametrize(
    "value",
    [None, True, 0, -(2**70), 1.5, float("inf"), "text", [1, [2.0, "x"]], {"a": {"b": [None]}}],
)
def test_plain_values_round_trip(value):
    assert decode(encode(value)) == value


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int64", "float32", "float64"])
def test_numeric_arrays_round_trip_with_dtype_and_shape(dtype):
    array = (np.arange(24) % 3).astype(dtype).reshape(2, 3, 4)
    back = decode(encode({"x": array}))["x"]
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, array)


def test_big_endian_and_non_contiguous_arrays_arrive_as_little_endian_copies():
    array = np.arange(12, dtype=">f8").reshape(3, 4).T
    back = decode(encode(array))
    assert back.dtype == np.dtype("<f8")
    np.testing.assert_array_equal(back, array)


def test_numpy_scalars_and_tuples_become_python_values():
    assert decode(encode((np.float64(2.5), np.int32(3)))) == [2.5, 3]


def test_ndarray_subclass_arrives_as_plain_ndarray():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return True

    value = np.zeros(3).view(Sneaky)
    with pytest.raises(ChannelError):
        encode(value)  # not an exact ndarray and no way to make a reference
    assert type(decode(encode(np.asarray(value)))) is np.ndarray


@pytest.mark.parametrize(
    "value", [np.array([object()], dtype=object), np.array(["a"]), {1: "int key"}, object()]
)
def test_values_that_may_not_cross_are_refused(value):
    with pytest.raises(ChannelError):
        encode(value)


def test_depth_is_bounded_both_ways():
    deep: list = []
    for _ in range(MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(ChannelError, match="deeper"):
        encode(deep)


def test_objects_become_refs_only_through_the_callback():
    class Thing:
        pass

    body = encode([Thing()], to_ref=lambda obj: Ref(7, type(obj).__name__, False))
    assert decode(body) == [Ref(7, "Thing", False)]
    assert decode(body, from_ref=lambda ref: ref.id * 2) == [14]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00{}",
        encode([1, 2])[:-1],
        encode(1).replace(b"1", b"{"),
    ],
)
def test_garbage_bodies_are_refused(body):
    with pytest.raises(ChannelError):
        decode(body)


def test_array_with_forged_dtype_or_shape_is_refused():
    body = encode(np.zeros(4))
    with pytest.raises(ChannelError):
        decode(body.replace(b'"<f8"', b'"|O8"'))
    with pytest.raises(ChannelError):
        decode(body.replace(b"[4]", b"[5]"))
