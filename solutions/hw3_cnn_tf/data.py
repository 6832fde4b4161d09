"""The data of HW3 as NHWC float32 images (provided).

Both loaders standardise pixels with the training images' mean and deviation and hold out the
last ``val_fraction`` of the (shuffled) training split for validation. They return a dict:
``x_train``, ``y_train``, ``x_val``, ``y_val``, ``x_test``, ``y_test`` and ``classes``; images
are (N, H, W, 1) float32, labels int64.
"""

from __future__ import annotations

import numpy as np

from autograder.data import load_digits_split, load_fashion_mnist, standardised
from autograder.data.split import Split

__all__ = ["load_digits_images", "load_fashion_images"]


def _as_images(split: Split, side: int, val_fraction: float, seed: int) -> dict:
    split = standardised(split)
    order = np.random.default_rng(seed).permutation(len(split.y_train))
    n_val = int(round(val_fraction * len(order)))
    train, val = order[n_val:], order[:n_val]

    def images(x: np.ndarray) -> np.ndarray:
        return x.reshape(len(x), side, side, 1).astype(np.float32)

    return {
        "x_train": images(split.x_train[train]),
        "y_train": split.y_train[train],
        "x_val": images(split.x_train[val]),
        "y_val": split.y_train[val],
        "x_test": images(split.x_test),
        "y_test": split.y_test,
        "classes": split.classes,
    }


def load_digits_images(val_fraction: float = 0.2, seed: int = 0) -> dict:
    """scikit-learn's digits: 8 x 8 images, about 1150 train, 288 validation, 359 test."""
    return _as_images(load_digits_split(seed=0), 8, val_fraction, seed)


def load_fashion_images(
    subset: tuple[int, int] | None = None, val_fraction: float = 0.1, seed: int = 0
) -> dict:
    """Fashion-MNIST: 28 x 28 images (Debian's package or a download, see the kit's data
    README); ``subset=(n_train, n_test)`` keeps a balanced part."""
    split = load_fashion_mnist(subset=subset, flatten=True)
    return _as_images(split, 28, val_fraction, seed)
