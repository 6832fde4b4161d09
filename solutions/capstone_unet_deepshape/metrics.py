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
    ### BEGIN SOLUTION
    logits, targets = np.asarray(logits, dtype=np.float64), np.asarray(targets, np.float64)
    known = ~np.isnan(targets)
    if known.any():
        accuracy = float(np.mean((logits[known] > 0) == (targets[known] == 1)))
    ### END SOLUTION
    return accuracy


def masked_auroc(scores: np.ndarray, targets: np.ndarray) -> float:
    """Args: scores (N, L) or (L,), any monotone score (logits or probabilities); targets the
    same shape, 0, 1 or NaN. Returns: a float."""
    auroc = float("nan")
    # TODO(5.6): the AUROC over the positions whose target is not NaN (ties count as half).
    ### BEGIN SOLUTION
    scores, targets = np.asarray(scores, dtype=np.float64), np.asarray(targets, np.float64)
    known = ~np.isnan(targets)
    s, t = scores[known], targets[known] == 1
    n_pos, n_neg = int(t.sum()), int((~t).sum())
    if n_pos and n_neg:
        order = np.argsort(s, kind="stable")
        ranks = np.empty(len(s))
        ranks[order] = np.arange(1, len(s) + 1)
        values, inverse = np.unique(s, return_inverse=True)  # average ranks over ties
        total = np.bincount(inverse, weights=ranks, minlength=len(values))
        count = np.bincount(inverse, minlength=len(values))
        ranks = (total / count)[inverse]
        auroc = float((ranks[t].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    ### END SOLUTION
    return auroc
