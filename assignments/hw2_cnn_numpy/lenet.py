"""A LeNet-style network (task 2.8).

``build_lenet`` returns a ``network.Network`` of exactly these layers, in this order:

    Conv2D(C, c1, 3, pad=1) -> ReLU -> MaxPool2D(2)
    -> Conv2D(c1, c2, 3, pad=1) -> ReLU -> MaxPool2D(2)
    -> Flatten -> Linear(c2 * (S // 4) * (S // 4), n_classes)

for square images of side S (a multiple of 4; 8 for the digits). One
``np.random.default_rng(seed)`` is passed, as ``rng``, to the two Conv2D layers and the Linear
layer, in that order. The network trains with HW1's ``solver.train``.
"""

from __future__ import annotations

import numpy as np

from .cnn_layers import Conv2D, Flatten, MaxPool2D
from .layers import Linear, ReLU
from .network import Network

__all__ = ["build_lenet", "digits_images"]


def digits_images(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """Standardise flat 8 x 8 digits, (N, 64), pixel by pixel and shape them (N, 1, 8, 8)."""
    return ((x - mean) / std).reshape(-1, 1, 8, 8)


def build_lenet(
    in_channels: int = 1,
    image_size: int = 8,
    n_classes: int = 10,
    channels: tuple[int, int] = (8, 16),
    *,
    seed: int = 0,
) -> Network:
    """The LeNet-style network of the module docstring.

    Args:
        in_channels: channels C of the input images.
        image_size: side S of the square input images, a multiple of 4.
        n_classes: number of classes (the Linear layer's outputs).
        channels: (c1, c2), the filters of the two convolutions.
        seed: seeds one generator shared, in order, by the Conv2D, Conv2D and Linear layers.

    Returns:
        The network; its output is the logits, (N, n_classes).
    """
    net = None
    # TODO(2.8): conv-relu-pool twice, then Flatten and Linear, in the order of the docstring.
    raise NotImplementedError('2.8: conv-relu-pool twice, then Flatten and Linear, in the order of the docstring.')
    return net
