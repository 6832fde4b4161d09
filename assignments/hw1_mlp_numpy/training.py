"""Building and training a multilayer perceptron (task 1.9).

``build_mlp`` stacks the layers of ``layers`` into a ``network.Network``; ``train_step`` does one
optimisation step on one mini-batch. The provided ``solver.train`` calls ``train_step`` for every
mini-batch of every epoch.
"""

from __future__ import annotations

import numpy as np

from .layers import GELU, Linear, ReLU, Sigmoid
from .network import Network

__all__ = ["ACTIVATIONS", "build_mlp", "train_step"]

ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "gelu": GELU}


def build_mlp(sizes: list[int], activation: str = "relu", *, seed: int = 0) -> Network:
    """A multilayer perceptron ``Linear -> act -> Linear -> act -> ... -> Linear``.

    Args:
        sizes: layer widths [D_in, H_1, ..., H_k, C]; gives len(sizes) - 1 Linear layers, the
            i-th mapping sizes[i] to sizes[i + 1], with an activation after every Linear but the
            last (the logits are not activated).
        activation: a key of ``ACTIVATIONS``: "relu", "sigmoid" or "gelu".
        seed: seeds one ``np.random.default_rng(seed)`` passed, as ``rng``, to every Linear.

    Returns:
        The network.
    """
    net = None
    # TODO(1.9): one Linear per consecutive pair of sizes, a new activation after all but the last.
    raise NotImplementedError('1.9: one Linear per consecutive pair of sizes, a new activation after all but the last.')
    return net


def train_step(net: Network, loss, optimiser, x: np.ndarray, target: np.ndarray) -> float:
    """One optimisation step on one mini-batch.

    Args:
        net: the network.
        loss: a loss of ``losses``.
        optimiser: an optimiser of ``optim``.
        x: the mini-batch, (B, D_in).
        target: its one-hot targets, (B, C).

    Returns:
        The loss of the mini-batch before the step, a float.
    """
    loss_value = None
    # TODO(1.9): forward, loss, backward (loss then net), one optimiser step on every parameter.
    raise NotImplementedError('1.9: forward, loss, backward (loss then net), one optimiser step on every parameter.')
    return loss_value
