"""Losses of the multilayer perceptron (tasks 1.4 to 1.6).

The loss contract, shared by every loss of the numpy track:

- ``logits`` are the network's outputs, (N, C) float64; ``target`` is one-hot, (N, C) float64
  (row i has a single 1 in the column of example i's class y_i).
- ``forward(logits, target)`` returns the loss as a Python float, averaged over the batch (a sum
  over examples divided by N).
- ``backward(logits, target)`` returns dL/d(logits), (N, C): the gradient of that average, so
  it carries the 1/N. A loss keeps no state between calls.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EuclideanLoss", "HingeLoss", "SoftmaxCrossEntropyLoss"]


class EuclideanLoss:
    """``L = 0.5 * sum((logits - target) ** 2) / N``."""

    def forward(self, logits: np.ndarray, target: np.ndarray) -> float:
        """Args: logits: (N, C); target: (N, C). Returns: loss: float."""
        loss = None
        # TODO(1.4): half the sum of squared differences, divided by the batch size N.
        raise NotImplementedError('1.4: half the sum of squared differences, divided by the batch size N.')
        return loss

    def backward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Args: logits: (N, C); target: (N, C). Returns: grad: dL/d(logits), (N, C)."""
        grad = None
        # TODO(1.4): the gradient of the forward value (remember the 1/N).
        raise NotImplementedError('1.4: the gradient of the forward value (remember the 1/N).')
        return grad


class SoftmaxCrossEntropyLoss:
    """``L = -sum_i sum_c target[i, c] * log(softmax(logits[i])[c]) / N``.

    ``softmax(s)[c] = exp(s[c]) / sum_k exp(s[k])``. Both methods stay finite and exact for logits
    as large as +-1e4: subtract each row's maximum before ``exp``.
    """

    def forward(self, logits: np.ndarray, target: np.ndarray) -> float:
        """Args: logits: (N, C); target: (N, C). Returns: loss: float."""
        loss = None
        # TODO(1.5): mean over the batch of -log softmax at the target class, computed stably.
        raise NotImplementedError('1.5: mean over the batch of -log softmax at the target class, computed stably.')
        return loss

    def backward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Args: logits: (N, C); target: (N, C). Returns: grad: dL/d(logits), (N, C)."""
        grad = None
        # TODO(1.5): (softmax(logits) - target) / N, with the same stable softmax.
        raise NotImplementedError('1.5: (softmax(logits) - target) / N, with the same stable softmax.')
        return grad


class HingeLoss:
    """Multi-class hinge loss (Weston-Watkins / CS231n SVM).

    ``L = sum_i sum_{j != y_i} max(0, margin - s[i, y_i] + s[i, j]) / N`` with ``s = logits`` and
    ``y_i`` the class of example i. Where a term is exactly 0 its gradient is taken as 0.

    Args:
        margin: the margin Delta, 1.0 by default.
    """

    def __init__(self, margin: float = 1.0) -> None:
        self.margin = margin

    def forward(self, logits: np.ndarray, target: np.ndarray) -> float:
        """Args: logits: (N, C); target: (N, C). Returns: loss: float."""
        loss = None
        # TODO(1.6): sum the positive margins over the wrong classes only, then divide by N.
        raise NotImplementedError('1.6: sum the positive margins over the wrong classes only, then divide by N.')
        return loss

    def backward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Args: logits: (N, C); target: (N, C). Returns: grad: dL/d(logits), (N, C)."""
        grad = None
        # TODO(1.6): +1 for each wrong class with a positive margin, minus their count at y_i; / N.
        raise NotImplementedError('1.6: +1 for each wrong class with a positive margin, minus their count at y_i; / N.')
        return grad
