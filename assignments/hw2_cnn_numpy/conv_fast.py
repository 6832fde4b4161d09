"""A vectorised convolution: im2col and one matrix product (task 2.7).

Same conventions and results as ``conv.conv2d_forward`` / ``conv.conv2d_backward``. Task 2.7 is
graded on speed too: forward + backward must be at least 10 times faster than a plain loop
implementation on the same inputs, in the same process.

- ``im2col(x, kernel, stride, pad)`` returns ``cols`` (N, C*KH*KW, H_out*W_out): column
  ``i*W_out + j`` of example n holds the window of output (i, j), its rows ordered channel first,
  then kernel row, then kernel column (index ``c*KH*KW + p*KW + q``), the order of
  ``w.reshape(F, -1)`` and of ``torch.nn.functional.unfold``.
- ``col2im(cols, x_shape, kernel, stride, pad)`` is its adjoint: it adds every entry of ``cols``
  back to the input pixel it came from (``torch.nn.functional.fold``), padding removed.
"""

from __future__ import annotations

import numpy as np

from .conv import output_size, pair

__all__ = ["col2im", "conv2d_fast_backward", "conv2d_fast_forward", "im2col"]


def im2col(
    x: np.ndarray,
    kernel: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> np.ndarray:
    """Windows of a padded batch as columns.

    Args:
        x: (N, C, H, W).
        kernel: (KH, KW), or one int.
        stride: (stride_h, stride_w), or one int.
        pad: (pad_h, pad_w), or one int.

    Returns:
        cols: (N, C*KH*KW, H_out*W_out).
    """
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel), pair(stride), pair(pad)
    cols = None
    # TODO(2.7): gather every window of the zero-padded x; rows in (c, p, q) order.
    raise NotImplementedError('2.7: gather every window of the zero-padded x; rows in (c, p, q) order.')
    return cols


def col2im(
    cols: np.ndarray,
    x_shape: tuple[int, int, int, int],
    kernel: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> np.ndarray:
    """The adjoint of ``im2col``: add each column entry back to its input pixel.

    Args:
        cols: (N, C*KH*KW, H_out*W_out).
        x_shape: (N, C, H, W), the shape of im2col's input.
        kernel: (KH, KW), or one int.
        stride: (stride_h, stride_w), or one int.
        pad: (pad_h, pad_w), or one int.

    Returns:
        x: (N, C, H, W); entries of windows that overlap add up, the padding is dropped.
    """
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel), pair(stride), pair(pad)
    x = None
    # TODO(2.7): the reverse of im2col, adding (+=) where windows overlap, then drop the padding.
    raise NotImplementedError('2.7: the reverse of im2col, adding (+=) where windows overlap, then drop the padding.')
    return x


def conv2d_fast_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    """``conv.conv2d_forward``, vectorised: same arguments, same ``out`` (N, F, H_out, W_out).

    Returns:
        out: (N, F, H_out, W_out).
        cache: whatever ``conv2d_fast_backward`` needs.
    """
    stride, pad = pair(stride), pair(pad)
    out, cache = None, None
    # TODO(2.7): im2col, then one matrix product with w.reshape(F, -1), plus the bias.
    raise NotImplementedError('2.7: im2col, then one matrix product with w.reshape(F, -1), plus the bias.')
    return out, cache


def conv2d_fast_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``conv.conv2d_backward``, vectorised.

    Args:
        dout: dL/d(out), (N, F, H_out, W_out).
        cache: the cache of the matching ``conv2d_fast_forward``.

    Returns:
        dx (N, C, H, W), dw (F, C, KH, KW), db (F,).
    """
    dx, dw, db = None, None, None
    # TODO(2.7): dw from dout and the columns, dx through col2im, db a sum.
    raise NotImplementedError('2.7: dw from dout and the columns, dx through col2im, db a sum.')
    return dx, dw, db
