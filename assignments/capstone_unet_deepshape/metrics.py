"""Metrics on the known positions only (task 5.6). Arrays are numpy; NaN targets are unknown.

- ``masked_accuracy(logits, targets)``: the fraction of known positions where
  ``logits > 0`` equals the target (a logit of exactly 0 predicts 0).
- ``masked_auroc(scores, targets)``: the area under the ROC curve of the scores on the known
  positions, ties counted as half (what scikit-learn's ``roc_auc_score`` computes).

Both return ``nan`` when they are undefined (no known position; for the AUROC, a single class).
"""

from __future__ import annotations

import numpy as np

__all__ = ["masked_accuracy", "masked_auroc"]


def masked_accuracy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Args: logits (N, L) or (L,); targets the same shape, 0, 1 or NaN. Returns: a float."""
    accuracy = float("nan")
    # TODO(5.6): the accuracy over the positions whose target is not NaN.
    raise NotImplementedError('5.6: the accuracy over the positions whose target is not NaN.')
    return accuracy


def masked_auroc(scores: np.ndarray, targets: np.ndarray) -> float:
    """Args: scores (N, L) or (L,), any monotone score (logits or probabilities); targets the
    same shape, 0, 1 or NaN. Returns: a float."""
    auroc = float("nan")
    # TODO(5.6): the AUROC over the positions whose target is not NaN (ties count as half).
    raise NotImplementedError('5.6: the AUROC over the positions whose target is not NaN (ties count as half).')
    return auroc
