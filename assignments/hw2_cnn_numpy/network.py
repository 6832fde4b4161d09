"""A sequential network container and one-hot encoding (provided, not graded)."""

from __future__ import annotations

import numpy as np

__all__ = ["Network", "one_hot"]


class Network:
    """Layers applied one after the other; follows the layer contract of ``layers``.

    Args:
        layers: the layers, first to last.
    """

    def __init__(self, layers: list) -> None:
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Args: x: (N, D_in). Returns: logits: (N, C), the last layer's output."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Back-propagate dL/d(logits), (N, C), through every layer; returns dL/dx, (N, D_in)."""
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out

    def predict(self, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Class ids, ``argmax`` of the logits, computed in batches.

        Args:
            x: (N, D_in).
            batch_size: rows per forward pass.

        Returns:
            (N,) int64.
        """
        out = [
            self.forward(x[i : i + batch_size]).argmax(axis=1) for i in range(0, len(x), batch_size)
        ]
        return np.concatenate(out).astype(np.int64) if out else np.zeros(0, dtype=np.int64)

    def parameterised_layers(self) -> list:
        """The layers that have parameters, in order (what an optimiser's ``step`` takes)."""
        return [layer for layer in self.layers if layer.params]


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Encode class ids as one-hot rows.

    Args:
        y: (N,) integer class ids in [0, n_classes).
        n_classes: number of classes C.

    Returns:
        (N, C) float64 with a single 1 per row.
    """
    y = np.asarray(y, dtype=np.int64)
    out = np.zeros((y.shape[0], n_classes))
    out[np.arange(y.shape[0]), y] = 1.0
    return out
