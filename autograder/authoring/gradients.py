"""The kit's one numeric-gradient helper: central differences in float64.

Tests and notebooks compare a submission's backward pass with these; nothing else defines its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["numeric_grad", "numeric_grad_array"]


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function, in float64.

    Args:
        f: maps an array shaped like ``x`` to a number; it receives perturbed copies of ``x``.
        x: the point, any shape; converted to float64.
        eps: the step.

    Returns:
        ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every element i, shaped like ``x``.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = float(f(x.copy()))
        x[i] = old - eps
        minus = float(f(x.copy()))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def numeric_grad_array(
    f: Callable[[np.ndarray], Any], x: np.ndarray, grad_out: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Numeric gradient of an array-valued function, given the upstream gradient.

    Args:
        f: maps an array shaped like ``x`` to an array shaped like ``grad_out``.
        x: the point, any shape; converted to float64.
        grad_out: the gradient of the loss with respect to ``f(x)``.
        eps: the step.

    Returns:
        The gradient of ``sum(f(x) * grad_out)`` with respect to ``x`` (what a layer's
        ``backward(grad_out)`` returns), by central differences in float64.
    """
    weights = np.asarray(grad_out, dtype=np.float64)
    return numeric_grad(
        lambda v: float(np.sum(np.asarray(f(v), dtype=np.float64) * weights)), x, eps
    )
