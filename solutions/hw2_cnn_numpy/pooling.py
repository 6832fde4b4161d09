"""Max and average pooling, forward and backward (tasks 2.4 and 2.5).

Arrays are float64, (N, C, H, W). ``kernel`` and ``stride`` are (height, width) pairs (or one
int for both); windows may overlap (stride < kernel) and may leave a remainder (the last rows or
columns that no window covers get a zero gradient). There is no padding:
``H_out = (H - KH) // stride_h + 1``, ``W_out = (W - KW) // stride_w + 1``.

- Max pooling: each output is the largest value of its window. Its gradient goes to one input
  only: the **first** maximum of the window in row-major order (row by row, left to right), as
  PyTorch does when values tie. Where windows overlap an input can receive several gradients,
  which add up.
- Average pooling divides each window's sum by the full window size KH * KW.
"""

from __future__ import annotations

import numpy as np

from .conv import output_size, pair

__all__ = ["avgpool_backward", "avgpool_forward", "maxpool_backward", "maxpool_forward"]


def maxpool_forward(
    x: np.ndarray, kernel: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    """Max pooling.

    Args:
        x: (N, C, H, W).
        kernel: (KH, KW), or one int for both.
        stride: (stride_h, stride_w), one int, or None for the kernel size.

    Returns:
        out: (N, C, H_out, W_out).
        cache: whatever ``maxpool_backward`` needs.
    """
    kernel = pair(kernel)
    stride = kernel if stride is None else pair(stride)
    out, cache = None, None
    # TODO(2.4): the maximum of every window; remember its first maximum (row-major) for backward.
    ### BEGIN SOLUTION
    (kh, kw), (sh, sw) = kernel, stride
    ho, wo = output_size(x.shape[2], kh, sh, 0), output_size(x.shape[3], kw, sw, 0)
    out = np.full((x.shape[0], x.shape[1], ho, wo), -np.inf)
    first = np.zeros(out.shape, dtype=np.int64)  # row-major index in the window of the maximum
    for p in range(kh):
        for q in range(kw):
            v = x[:, :, p : p + sh * (ho - 1) + 1 : sh, q : q + sw * (wo - 1) + 1 : sw]
            better = v > out  # strict: a tie keeps the earlier maximum
            out = np.where(better, v, out)
            first = np.where(better, p * kw + q, first)
    cache = (x, out, first, kernel, stride)
    ### END SOLUTION
    return out, cache


def maxpool_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Gradient of ``maxpool_forward``.

    Args:
        dout: dL/d(out), (N, C, H_out, W_out).
        cache: the cache of the matching ``maxpool_forward``.

    Returns:
        dx: dL/dx, (N, C, H, W).
    """
    dx = None
    # TODO(2.4): each window's gradient goes to its first maximum only; overlapping windows add.
    ### BEGIN SOLUTION
    x, out, first, (kh, kw), (sh, sw) = cache
    ho, wo = out.shape[2], out.shape[3]
    dx = np.zeros(x.shape)
    for p in range(kh):
        for q in range(kw):
            rows = slice(p, p + sh * (ho - 1) + 1, sh)
            cols = slice(q, q + sw * (wo - 1) + 1, sw)
            dx[:, :, rows, cols] += dout * (first == p * kw + q)
    ### END SOLUTION
    return dx


def avgpool_forward(
    x: np.ndarray, kernel: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    """Average pooling: each window's sum divided by KH * KW.

    Args:
        x: (N, C, H, W).
        kernel: (KH, KW), or one int for both.
        stride: (stride_h, stride_w), one int, or None for the kernel size.

    Returns:
        out: (N, C, H_out, W_out).
        cache: whatever ``avgpool_backward`` needs.
    """
    kernel = pair(kernel)
    stride = kernel if stride is None else pair(stride)
    out, cache = None, None
    # TODO(2.5): the mean of every window (its sum divided by KH * KW).
    ### BEGIN SOLUTION
    (kh, kw), (sh, sw) = kernel, stride
    ho, wo = output_size(x.shape[2], kh, sh, 0), output_size(x.shape[3], kw, sw, 0)
    out = np.zeros((x.shape[0], x.shape[1], ho, wo))
    for p in range(kh):
        for q in range(kw):
            out += x[:, :, p : p + sh * (ho - 1) + 1 : sh, q : q + sw * (wo - 1) + 1 : sw]
    out /= kh * kw
    cache = (x.shape, kernel, stride)
    ### END SOLUTION
    return out, cache


def avgpool_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Gradient of ``avgpool_forward``.

    Args:
        dout: dL/d(out), (N, C, H_out, W_out).
        cache: the cache of the matching ``avgpool_forward``.

    Returns:
        dx: dL/dx, (N, C, H, W).
    """
    dx = None
    # TODO(2.5): every element of a window gets dout / (KH * KW); overlapping windows add.
    ### BEGIN SOLUTION
    shape, (kh, kw), (sh, sw) = cache
    ho, wo = dout.shape[2], dout.shape[3]
    dx = np.zeros(shape)
    share = dout / (kh * kw)
    for p in range(kh):
        for q in range(kw):
            dx[:, :, p : p + sh * (ho - 1) + 1 : sh, q : q + sw * (wo - 1) + 1 : sw] += share
    ### END SOLUTION
    return dx
