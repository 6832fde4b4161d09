"""Convolution forward and backward in numpy (tasks 2.2 and 2.3).

Conventions, shared by every module of HW2 (see the handout):

- Arrays are float64 in NCHW layout: ``x`` is (N, C, H, W), weights ``w`` are (F, C, KH, KW),
  the bias ``b`` is (F,).
- The layer computes a cross-correlation, as deep-learning libraries do (the kernel is not
  flipped): ``out[n, f, i, j] = b[f] + sum_{c, p, q} w[f, c, p, q] * xp[n, c, i*sh + p, j*sw + q]``
  where ``xp`` is ``x`` with ``pad_h`` rows of zeros above and below and ``pad_w`` columns of zeros
  left and right.
- Output size: ``H_out = (H + 2*pad_h - KH) // stride_h + 1`` and
  ``W_out = (W + 2*pad_w - KW) // stride_w + 1``.
- ``stride`` and ``pad`` are (height, width) pairs; ``pair`` turns an int into one.
- Backward takes dL/d(out) for the cache of the latest forward and returns dx, dw, db. Nothing is
  divided by N: the loss already averaged over the batch, so gradients are summed over it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["conv2d_backward", "conv2d_forward", "output_size", "pair"]


def pair(value: int | tuple[int, int]) -> tuple[int, int]:
    """``(value, value)`` for an int, the pair itself otherwise."""
    if isinstance(value, int | np.integer):
        return int(value), int(value)
    h, w = value
    return int(h), int(w)


def output_size(size: int, kernel: int, stride: int, pad: int) -> int:
    """``(size + 2 * pad - kernel) // stride + 1``, the output length along one axis."""
    return (size + 2 * pad - kernel) // stride + 1


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    """A 2-D cross-correlation with zero padding.

    Args:
        x: inputs, (N, C, H, W).
        w: weights, (F, C, KH, KW).
        b: bias, (F,).
        stride: (stride_h, stride_w), or one int for both.
        pad: (pad_h, pad_w) rows and columns of zeros on each side, or one int for both.

    Returns:
        out: (N, F, H_out, W_out), ``H_out = (H + 2*pad_h - KH) // stride_h + 1`` and likewise
            for W_out.
        cache: whatever ``conv2d_backward`` needs.
    """
    stride, pad = pair(stride), pair(pad)
    out, cache = None, None
    # TODO(2.2): zero-pad x, cross-correlate with w (no flip), add b; keep what backward needs.
    raise NotImplementedError('2.2: zero-pad x, cross-correlate with w (no flip), add b; keep what backward needs.')
    return out, cache


def conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``conv2d_forward``.

    Args:
        dout: dL/d(out), (N, F, H_out, W_out).
        cache: the cache of the matching ``conv2d_forward``.

    Returns:
        dx: dL/dx, (N, C, H, W).
        dw: dL/dw, (F, C, KH, KW), summed over the batch.
        db: dL/db, (F,), summed over the batch and the output positions.
    """
    dx, dw, db = None, None, None
    # TODO(2.3): dx adds the gradients of overlapping windows; dw and db sum over the batch.
    raise NotImplementedError('2.3: dx adds the gradients of overlapping windows; dw and db sum over the batch.')
    return dx, dw, db
