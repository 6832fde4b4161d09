"""scikit-learn's 8x8 handwritten digits as a stratified split (ships with scikit-learn)."""

from __future__ import annotations

import numpy as np

from autograder.data.split import Split

__all__ = ["load_digits_split"]


def load_digits_split(test_fraction: float = 0.2, seed: int = 0) -> Split:
    """Loads scikit-learn's 8x8 handwritten digits (1797 images, ships with scikit-learn).

    Args:
        test_fraction: share of each class put in the test split, in (0, 1).
        seed: seed of the permutation inside each class; the same seed gives the same split.

    Returns:
        A :class:`Split`: x float64 (N, 64) in [0, 1] (pixel counts 0..16 divided by 16), y int64
        in 0..9, each class split in the same proportion.
    """
    from sklearn.datasets import load_digits

    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    bunch = load_digits()
    x = np.asarray(bunch.data, dtype=np.float64) / 16.0  # (1797, 64)
    y = np.asarray(bunch.target, dtype=np.int64)  # (1797,)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test[members[: int(round(test_fraction * len(members)))]] = True
    classes = tuple(str(name) for name in bunch.target_names)
    return Split(x[~test], y[~test], x[test], y[test], classes=classes)
