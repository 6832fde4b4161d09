"""Small training runs in PyTorch and TensorFlow, run on the submission's side.

They exercise what an assignment's probes do inside the worker (a framework import, thread
pools, a few optimiser steps) so the kit can show that the default limits let them pass and
that tighter limits stop them with a message naming the limit.
"""

from __future__ import annotations

import numpy as np

__all__ = ["tf_small_run", "torch_small_run"]


def _data(seed: int, n: int = 256, d: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    w = rng.normal(size=(d, 1)).astype(np.float32)
    return x, (x @ w > 0).astype(np.float32)


def torch_small_run(seed: int = 0, steps: int = 30, device: str = "cpu") -> np.ndarray:
    """Train a two-layer PyTorch MLP with Adam; return the loss after each step, (steps,).

    Args:
        seed: seeds the data and the initial weights.
        steps: optimiser steps.
        device: ``"cpu"`` or ``"cuda"``.
    """
    import torch

    torch.manual_seed(seed)
    x, y = (torch.from_numpy(a).to(device) for a in _data(seed))
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
    model = model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        opt.step()
        losses += [float(loss)]
    return np.array(losses)


def tf_small_run(seed: int = 0, steps: int = 30) -> np.ndarray:
    """Train a two-layer TensorFlow MLP with a GradientTape; return the losses, (steps,)."""
    import tensorflow as tf

    tf.random.set_seed(seed)
    x, y = _data(seed)
    w1 = tf.Variable(tf.random.normal((16, 32), stddev=0.3))
    w2 = tf.Variable(tf.random.normal((32, 1), stddev=0.3))
    opt = tf.keras.optimizers.Adam(1e-2)
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            logits = tf.nn.relu(x @ w1) @ w2
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(y, logits))
        opt.apply_gradients(zip(tape.gradient(loss, [w1, w2]), [w1, w2], strict=True))
        losses += [float(loss)]
    return np.array(losses)
