"""HW2: the reference's convolution (im2col, forward + backward) against PyTorch's CPU convolution.

Both on one thread (``torch.set_num_threads(1)``; numpy's BLAS limited with threadpoolctl), the
same shapes: N=64, C=8, F=16, 28x28, 3x3 kernels, padding 1, stride 1; repeats alternate and the
medians are compared. Also times the reference's ``conv.py`` (a loop over the kernel's offsets,
vectorised over the batch, channels and positions). Run from the kit's root::

    .venv/bin/python benchmarks/hw2_speed.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_info, threadpool_limits

from autograder.integrations.notebook import use_assignment

use_assignment("hw2_cnn_numpy", start=Path(__file__).resolve().parents[1] / "solutions")

from hw2_cnn_numpy import conv, conv_fast  # noqa: E402

N, C, F_OUT, H, W, K = 64, 8, 16, 28, 28, 3
STRIDE, PAD = (1, 1), (1, 1)


def _numpy_step(x: np.ndarray, w: np.ndarray, b: np.ndarray, dout: np.ndarray) -> None:
    out, cache = conv_fast.conv2d_fast_forward(x, w, b, STRIDE, PAD)
    conv_fast.conv2d_fast_backward(dout, cache)


def _loop_step(x: np.ndarray, w: np.ndarray, b: np.ndarray, dout: np.ndarray) -> None:
    out, cache = conv.conv2d_forward(x, w, b, STRIDE, PAD)
    conv.conv2d_backward(dout, cache)


def _torch_step(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, dout: torch.Tensor) -> None:
    for t in (x, w, b):
        t.grad = None
    out = F.conv2d(x, w, b, stride=1, padding=1)
    out.backward(dout)


def _median_times(steps: dict, repeats: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, (fn, args) in steps.items():
            start = time.perf_counter()
            fn(*args)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main(repeats: int = 15) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((F_OUT, C, K, K))
    b = rng.standard_normal(F_OUT)
    dout = rng.standard_normal((N, F_OUT, H, W))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    tdout = torch.tensor(dout)
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        blas = sorted({i["internal_api"] for i in threadpool_info()})
        med = _median_times(
            {
                "im2col": (_numpy_step, (x, w, b, dout)),
                "offsets": (_loop_step, (x, w, b, dout)),
                "torch": (_torch_step, (tx, tw, tb, tdout)),
            },
            repeats,
        )
    print(f"one thread ({', '.join(blas)}); N={N} C={C} F={F_OUT} {H}x{W} {K}x{K} pad 1")
    print(f"torch F.conv2d forward+backward            {med['torch'] * 1000:8.1f} ms")
    print(f"reference conv_fast (im2col)               {med['im2col'] * 1000:8.1f} ms")
    print(f"reference conv (loop over kernel offsets)  {med['offsets'] * 1000:8.1f} ms")
    print(f"im2col / torch:  {med['im2col'] / med['torch']:.2f}x")
    print(f"offsets / torch: {med['offsets'] / med['torch']:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
