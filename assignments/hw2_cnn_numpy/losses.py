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
        loss = 0.5 * float(np.sum((logits - target) ** 2)) / logits.shape[0]
        return loss

    def backward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Args: logits: (N, C); target: (N, C). Returns: grad: dL/d(logits), (N, C)."""
        grad = None
        grad = (logits - target) / logits.shape[0]
        return grad


class SoftmaxCrossEntropyLoss:
    """``L = -sum_i sum_c target[i, c] * log(softmax(logits[i])[c]) / N``.

    ``softmax(s)[c] = exp(s[c]) / sum_k exp(s[k])``. Both methods stay finite and exact for logits
    as large as +-1e4: subtract each row's maximum before ``exp``.
    """

    def forward(self, logits: np.ndarray, target: np.ndarray) -> float:
        """Args: logits: (N, C); target: (N, C). Returns: loss: float."""
        loss = None
        shifted = logits - logits.max(axis=1, keepdims=True)  # (N, C), each row's max is 0
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -float(np.sum(target * log_probs)) / logits.shape[0]
        return loss

    def backward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Args: logits: (N, C); target: (N, C). Returns: grad: dL/d(logits), (N, C)."""
        grad = None
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        grad = (probs - target) / logits.shape[0]
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
        correct = np.sum(logits * target, axis=1, keepdims=True)  # (N, 1): s[i, y_i]
        margins = np.maximum(0.0, self.margin - correct + logits) * (1.0 - target)  # (N, C)
        loss = float(margins.sum()) / logits.shape[0]
        return loss

    def backward(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Args: logits: (N, C); target: (N, C). Returns: grad: dL/d(logits), (N, C)."""
        grad = None
        correct = np.sum(logits * target, axis=1, keepdims=True)  # (N, 1)
        active = ((self.margin - correct + logits > 0) * (1.0 - target)).astype(np.float64)
        grad = (active - target * active.sum(axis=1, keepdims=True)) / logits.shape[0]
        return grad
