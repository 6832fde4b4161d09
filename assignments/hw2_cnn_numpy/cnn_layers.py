"""Convolution, pooling and flattening layers (task 2.6).

They follow HW1's layer contract (``layers.py``), so they plug into ``network.Network``:

- ``forward(x)`` returns the output and keeps on ``self`` whatever ``backward`` needs.
- ``backward(grad_out)`` takes dL/d(out) for the batch of the latest ``forward`` and returns
  dL/dx, shaped like x.
- A layer with parameters has ``params`` and ``grads``, dicts with the same keys and shapes;
  ``backward`` overwrites every entry of ``grads``. Nothing is divided by N.

Images are (N, C, H, W) float64. ``Flatten`` turns (N, C, H, W) into (N, C*H*W) in C order
(``x.reshape(N, -1)``), so that HW1's ``Linear`` can follow it.
"""

from __future__ import annotations

import numpy as np

from .conv import conv2d_backward, conv2d_forward, pair
from .layers import Layer
from .pooling import avgpool_backward, avgpool_forward, maxpool_backward, maxpool_forward

__all__ = ["AvgPool2D", "Conv2D", "Flatten", "MaxPool2D"]


class Conv2D(Layer):
    """A convolution layer built on ``conv.conv2d_forward`` and ``conv.conv2d_backward``.

    Args:
        c_in: input channels C.
        c_out: output channels (filters) F.
        kernel: (KH, KW), or one int for both.
        stride: (stride_h, stride_w), or one int.
        pad: (pad_h, pad_w), or one int.
        rng: a seed or a numpy Generator for the initial weights.

    Attributes:
        params: "W" (F, C, KH, KW), He-normal with standard deviation sqrt(2 / (C * KH * KW));
            "b" (F,), zeros.
        grads: "W" and "b", the same shapes, filled by ``backward``.
    """

    def __init__(
        self,
        c_in: int,
        c_out: int,
        kernel: int | tuple[int, int],
        *,
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        rng: np.random.Generator | int = 0,
    ) -> None:
        super().__init__()
        kh, kw = pair(kernel)
        self.stride, self.pad = pair(stride), pair(pad)
        rng = np.random.default_rng(rng)
        fan_in = c_in * kh * kw
        self.params = {
            "W": rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(c_out, c_in, kh, kw)),
            "b": np.zeros(c_out),
        }
        self.grads = {"W": np.zeros((c_out, c_in, kh, kw)), "b": np.zeros(c_out)}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, C, H, W). Returns: out: (N, F, H_out, W_out)."""
        out = None
        # TODO(2.6): conv2d_forward with this layer's parameters, stride and padding.
        raise NotImplementedError("2.6: conv2d_forward with this layer's parameters, stride and padding.")
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: (N, F, H_out, W_out). Returns: grad_in: (N, C, H, W); sets grads."""
        grad_in = None
        # TODO(2.6): conv2d_backward; overwrite grads["W"] and grads["b"].
        raise NotImplementedError('2.6: conv2d_backward; overwrite grads["W"] and grads["b"].')
        return grad_in


class MaxPool2D(Layer):
    """Max pooling. Args: kernel: (KH, KW) or an int; stride: a pair, an int, or None (kernel)."""

    def __init__(
        self, kernel: int | tuple[int, int], stride: int | tuple[int, int] | None = None
    ) -> None:
        super().__init__()
        self.kernel = pair(kernel)
        self.stride = self.kernel if stride is None else pair(stride)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, C, H, W). Returns: out: (N, C, H_out, W_out)."""
        out = None
        # TODO(2.6): maxpool_forward with this layer's kernel and stride.
        raise NotImplementedError("2.6: maxpool_forward with this layer's kernel and stride.")
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: (N, C, H_out, W_out). Returns: grad_in: (N, C, H, W)."""
        grad_in = None
        # TODO(2.6): maxpool_backward.
        raise NotImplementedError('2.6: maxpool_backward.')
        return grad_in


class AvgPool2D(Layer):
    """Average pooling. Args: kernel: (KH, KW) or an int; stride: a pair, an int, or None."""

    def __init__(
        self, kernel: int | tuple[int, int], stride: int | tuple[int, int] | None = None
    ) -> None:
        super().__init__()
        self.kernel = pair(kernel)
        self.stride = self.kernel if stride is None else pair(stride)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, C, H, W). Returns: out: (N, C, H_out, W_out)."""
        out = None
        # TODO(2.6): avgpool_forward with this layer's kernel and stride.
        raise NotImplementedError("2.6: avgpool_forward with this layer's kernel and stride.")
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: (N, C, H_out, W_out). Returns: grad_in: (N, C, H, W)."""
        grad_in = None
        # TODO(2.6): avgpool_backward.
        raise NotImplementedError('2.6: avgpool_backward.')
        return grad_in


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W) in C order; backward restores the input's shape."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, ...). Returns: out: (N, product of the other sizes)."""
        out = None
        # TODO(2.6): reshape to (N, -1); remember the input shape for backward.
        raise NotImplementedError('2.6: reshape to (N, -1); remember the input shape for backward.')
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: (N, D). Returns: grad_in: shaped like the latest forward's input."""
        grad_in = None
        # TODO(2.6): reshape grad_out back to the input's shape.
        raise NotImplementedError("2.6: reshape grad_out back to the input's shape.")
        return grad_in
