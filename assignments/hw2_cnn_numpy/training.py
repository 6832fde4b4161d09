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
    rng = np.random.default_rng(seed)
    stack = []
    for i in range(len(sizes) - 1):
        stack.append(Linear(sizes[i], sizes[i + 1], rng=rng))
        if i < len(sizes) - 2:
            stack.append(ACTIVATIONS[activation]())
    net = Network(stack)
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
    logits = net.forward(x)
    loss_value = loss.forward(logits, target)
    net.backward(loss.backward(logits, target))
    optimiser.step(net.parameterised_layers())
    return loss_value
