"""Layers of the multilayer perceptron (tasks 1.1 to 1.3).

The layer contract, shared by every layer of the numpy track:

- Arrays are float64. A batch holds N examples in rows: ``x`` has shape (N, D_in).
- ``forward(x)`` returns ``out`` of shape (N, D_out) and keeps on ``self`` whatever ``backward``
  needs (the input, the output or a mask).
- ``backward(grad_out)`` takes dL/d(out), shape (N, D_out), for the batch of the latest
  ``forward`` and returns dL/dx, shape (N, D_in). It never divides by N: the loss already
  averaged over the batch, so the gradients of the batch are summed.
- A layer with parameters has ``params: dict[str, np.ndarray]`` and ``grads: dict[str,
  np.ndarray]`` with the same keys and shapes. ``backward`` overwrites every entry of ``grads``
  (it does not accumulate across calls). Layers without parameters have empty dicts.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GELU", "Layer", "Linear", "ReLU", "Sigmoid"]


class Layer:
    """Base class: a layer without parameters (see the module docstring for the contract)."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Linear(Layer):
    """A fully connected layer, ``out = x @ W + b``.

    Args:
        d_in: number of input features D_in.
        d_out: number of output features D_out.
        rng: a seed or a numpy Generator for the initial weights.

    Attributes:
        params: "W" (D_in, D_out), He-normal initialised with standard deviation sqrt(2 / D_in);
            "b" (D_out,), zeros.
        grads: "W" (D_in, D_out) and "b" (D_out,), filled by ``backward``.
    """

    def __init__(self, d_in: int, d_out: int, *, rng: np.random.Generator | int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(rng)
        self.params = {
            "W": rng.normal(0.0, np.sqrt(2.0 / d_in), size=(d_in, d_out)),
            "b": np.zeros(d_out),
        }
        self.grads = {"W": np.zeros((d_in, d_out)), "b": np.zeros(d_out)}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Apply the layer.

        Args:
            x: input batch, (N, D_in).

        Returns:
            out: ``x @ W + b``, (N, D_out).
        """
        out = None
        self._x = x
        out = x @ self.params["W"] + self.params["b"]
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Back-propagate through the layer and fill ``self.grads``.

        Args:
            grad_out: dL/d(out), (N, D_out).

        Returns:
            grad_in: dL/dx, (N, D_in). Also sets grads["W"] (D_in, D_out) = x^T @ grad_out and
            grads["b"] (D_out,) = grad_out summed over the batch.
        """
        grad_in = None
        self.grads["W"] = self._x.T @ grad_out
        self.grads["b"] = grad_out.sum(axis=0)
        grad_in = grad_out @ self.params["W"].T
        return grad_in


class ReLU(Layer):
    """``out = max(x, 0)`` elementwise; the derivative at x == 0 is taken as 0."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, D). Returns: out: (N, D)."""
        out = None
        self._mask = x > 0
        out = np.where(self._mask, x, 0.0)
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: dL/d(out), (N, D). Returns: grad_in: dL/dx, (N, D)."""
        grad_in = None
        grad_in = grad_out * self._mask
        return grad_in


class Sigmoid(Layer):
    """``out = 1 / (1 + exp(-x))`` elementwise, finite and exact for inputs as large as 1000."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, D). Returns: out: (N, D), in [0, 1]."""
        out = None
        e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
        out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        self._out = out
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: dL/d(out), (N, D). Returns: grad_in: dL/dx, (N, D)."""
        grad_in = None
        grad_in = grad_out * self._out * (1.0 - self._out)
        return grad_in


class GELU(Layer):
    """GELU in its tanh form (numpy has no erf).

    ``out = 0.5 * x * (1 + tanh(u))`` with ``u = sqrt(2 / pi) * (x + 0.044715 * x**3)``, the same
    function as ``torch.nn.functional.gelu(x, approximate="tanh")``.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, D). Returns: out: (N, D)."""
        out = None
        self._x = x
        self._t = np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3))
        out = 0.5 * x * (1.0 + self._t)
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Args: grad_out: dL/d(out), (N, D). Returns: grad_in: dL/dx, (N, D)."""
        grad_in = None
        x, t = self._x, self._t
        du_dx = np.sqrt(2.0 / np.pi) * (1.0 + 3 * 0.044715 * x**2)
        grad_in = grad_out * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t**2) * du_dx)
        return grad_in
