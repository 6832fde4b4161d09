"""The kit's one return type of a data loader: a train/test split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Split", "standardised"]


@dataclass(frozen=True, eq=False)
class Split:
    """A train/test split.

    Attributes:
        x_train: float64 in [0, 1], shape (N_train, D) or (N_train, H, W).
        y_train: int64 class ids, shape (N_train,).
        x_test: float64 in [0, 1], shape (N_test, D) or (N_test, H, W).
        y_test: int64 class ids, shape (N_test,).
        classes: class names; ``classes[k]`` names label ``k``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]


def standardised(split: Split, floor: float = 0.1) -> Split:
    """Each feature standardised with the training set's mean and standard deviation.

    Args:
        split: the split; its images keep their shape.
        floor: added to the deviation, so that features constant in training (the digits'
            blank border pixels) stay finite.
    """
    mean, std = split.x_train.mean(axis=0), split.x_train.std(axis=0) + floor
    return Split(
        (split.x_train - mean) / std,
        split.y_train,
        (split.x_test - mean) / std,
        split.y_test,
        split.classes,
    )
