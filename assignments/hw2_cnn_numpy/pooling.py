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
    raise NotImplementedError('2.4: the maximum of every window; remember its first maximum (row-major) for backward.')
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
    raise NotImplementedError("2.4: each window's gradient goes to its first maximum only; overlapping windows add.")
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
    raise NotImplementedError('2.5: the mean of every window (its sum divided by KH * KW).')
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
    raise NotImplementedError('2.5: every element of a window gets dout / (KH * KW); overlapping windows add.')
    return dx
