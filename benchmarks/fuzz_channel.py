"""Fuzz the channel's decoder with many inputs: every one must give data or a ``ChannelError``.

Run by hand: ``python benchmarks/fuzz_channel.py [inputs] [seed]`` (default a million). Inputs are
random bytes, valid frames damaged (bits flipped, cut, grown, spliced), frames around random JSON
documents and array descriptions with random dtypes, shapes and buffers. Prints the outcomes, any
other exception (a bug), the slowest input and the peak memory of this process.
"""

from __future__ import annotations

import json
import random
import resource
import struct
import sys
import time
from collections import Counter

import numpy as np

from autograder.runtime.channel import ALLOWED_DTYPES, ChannelError, Ref, decode, encode

SEEDS = [
    None,
    True,
    -(2**70),
    3.5,
    float("inf"),
    "text",
    [1, [2, [3, [4]]]],
    {"a": 1, "b": [1.0, None], "c": {"d": "e"}},
    Ref(7, "Linear", True),
    np.arange(6, dtype=np.float64).reshape(2, 3),
    np.zeros((0, 4), dtype=np.int8),
    np.array(True),
    np.ones(3, dtype=np.complex64),
    {"ok": True, "value": [np.eye(2), {"k": np.arange(3, dtype=np.uint16)}]},
]


def _frame(doc_bytes: bytes, buffers: list[bytes]) -> bytes:
    sizes = [len(doc_bytes)] + [len(b) for b in buffers]
    return struct.pack(f"<I{len(sizes)}Q", len(buffers), *sizes) + doc_bytes + b"".join(buffers)


def _random_json(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(8 if depth < 6 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 2**63, -(2**64), rng.randrange(-(10**6), 10**6)])
    if kind == 2:
        return rng.choice([0.5, 1e308, -1e-300, rng.random()])
    if kind == 3:
        return rng.choice(["", "__nd__", "__ref__", "__dict__", "__int__", "inf", "x" * 30])
    if kind == 4:
        tag = rng.choice(["__nd__", "__ref__", "__int__", "__float__", "__dict__", "dtype"])
        return {tag: _random_json(rng, depth + 1)}
    if kind == 5:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 6:
        return {rng.choice(["a", "__nd__", "dtype", "shape", "type"]): _random_json(rng, depth + 1)}
    return {
        "__nd__": rng.randrange(-1, 3),
        "dtype": rng.choice([*sorted(ALLOWED_DTYPES), "|O", "<U4", "V8", "float"]),
        "shape": [rng.randrange(-1, 5) for _ in range(rng.randrange(0, 40 if depth else 4))],
    }


def _mutate(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randrange(1, 5)):
        where = rng.randrange(max(1, len(data)))
        op = rng.randrange(5)
        if op == 0 and data:
            data[where] ^= 1 << rng.randrange(8)
        elif op == 1:
            del data[where:]
        elif op == 2:
            data[where:where] = rng.randbytes(rng.randrange(1, 32))
        elif op == 3 and data:
            data[where] = rng.choice([0, 0xFF, ord("["), ord("{"), ord('"')])
        else:
            other = encode(rng.choice(SEEDS))
            data[where:] = other[rng.randrange(len(other)) :]
    return bytes(data)


def _input(rng: random.Random, seeds: list[bytes]) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(rng.randrange(64))
    if kind == 1:
        return _mutate(rng, rng.choice(seeds))
    buffers = [rng.randbytes(rng.choice([0, 1, 8, 24, 33])) for _ in range(rng.randrange(3))]
    doc = json.dumps(_random_json(rng)).encode()
    return _frame(doc, buffers) if kind == 2 else _mutate(rng, _frame(doc, buffers))


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    seeds = [encode(v) for v in SEEDS]
    outcomes: Counter[str] = Counter()
    bugs: list[str] = []
    slowest = (0.0, b"")
    start = time.perf_counter()
    for i in range(total):
        body = _input(rng, seeds)
        began = time.perf_counter()
        try:
            decode(body)
            outcomes["data"] += 1
        except ChannelError:
            outcomes["ChannelError"] += 1
        except Exception as exc:  # noqa: BLE001 - any other exception is what we hunt
            outcomes[type(exc).__name__] += 1
            if len(bugs) < 20:
                bugs.append(f"{type(exc).__name__}: {exc} <- {body[:80]!r}")
        took = time.perf_counter() - began
        if took > slowest[0]:
            slowest = (took, body[:60])
        if (i + 1) % 100_000 == 0:
            print(f"{i + 1} inputs, {time.perf_counter() - start:.0f} s", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inputs: {total}, outcomes: {dict(outcomes)}")
    print(f"slowest input: {slowest[0] * 1000:.1f} ms ({slowest[1]!r}); peak memory {rss:.0f} MiB")
    print("other exceptions:" if bugs else "other exceptions: none")
    for line in bugs:
        print("  " + line)
    sys.exit(1 if bugs else 0)


if __name__ == "__main__":
    main()
