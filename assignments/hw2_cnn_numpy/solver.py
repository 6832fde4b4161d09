"""A training loop over mini-batches, with evaluation (provided, not graded)."""

from __future__ import annotations

import numpy as np

from .network import Network, one_hot
from .training import train_step

__all__ = ["accuracy", "train"]


def accuracy(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows of x, (N, D_in), whose predicted class equals y, (N,) int."""
    return float(np.mean(net.predict(x) == np.asarray(y)))


def train(
    net: Network,
    loss,
    optimiser,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    x_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    n_classes: int | None = None,
    verbose: bool = False,
) -> dict[str, list[float]]:
    """Train ``net`` with ``training.train_step`` on shuffled mini-batches.

    Args:
        net: the network, trained in place.
        loss: a loss of ``losses``.
        optimiser: an optimiser of ``optim``.
        x: training inputs, (N, D_in) float64.
        y: training class ids, (N,) int.
        epochs: passes over the training set.
        batch_size: rows per mini-batch (the last one of an epoch may be smaller).
        seed: seeds the shuffling.
        x_val: validation inputs, (M, D_in), optional.
        y_val: validation class ids, (M,), optional.
        n_classes: number of classes C; ``max(y) + 1`` when None.
        verbose: print one line per epoch.

    Returns:
        {"loss": mean mini-batch loss per epoch, "train_acc": training accuracy after each
        epoch, "val_acc": validation accuracy after each epoch (empty without x_val)}, plain
        Python lists of floats.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    target = one_hot(y, n_classes)
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "train_acc": [], "val_acc": []}
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            losses.append(float(train_step(net, loss, optimiser, x[idx], target[idx])))
        history["loss"].append(float(np.mean(losses)))
        history["train_acc"].append(accuracy(net, x, y))
        if x_val is not None and y_val is not None:
            history["val_acc"].append(accuracy(net, x_val, y_val))
        if verbose:
            val = f"  val acc {history['val_acc'][-1]:.4f}" if history["val_acc"] else ""
            print(
                f"epoch {epoch + 1:3d}/{epochs}  loss {history['loss'][-1]:.4f}"
                f"  train acc {history['train_acc'][-1]:.4f}{val}"
            )
    return history
