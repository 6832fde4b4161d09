"""Training a sentence classifier: Adam, mini-batches, early stopping, TensorBoard (task 4.6).

``train(model, train_data, dev_data, ...)`` trains for at most ``epochs`` epochs and keeps the
weights of the epoch with the best dev accuracy (the first such epoch); it stops early after
``patience`` epochs without a better dev accuracy. With ``log_dir`` it writes TensorBoard
scalars every epoch: ``loss`` and ``accuracy`` under ``<log_dir>/train``, ``accuracy`` under
``<log_dir>/dev``. With ``epochs=0`` no epoch runs: the history's lists are empty, its
``best_epoch`` is None and the model keeps its weights.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

__all__ = ["evaluate", "train"]


def evaluate(model, ids, mask, labels) -> float:
    """Accuracy of ``model.predict`` on one split."""
    return float(np.mean(model.predict(ids, mask) == np.asarray(labels)))


def train(
    model,
    train_data,
    dev_data,
    *,
    epochs: int = 5,
    batch_size: int = 32,
    learning_rate: float = 1e-2,
    patience: int = 2,
    log_dir: str | None = None,
    seed: int = 0,
) -> dict:
    """Train ``model`` in place.

    Args:
        model: a ``SentenceClassifier`` (its ``trainable_variables`` are trained).
        train_data: ``(ids, mask, labels)``: int (N, T), bool (N, T), int (N,).
        dev_data: the same for the dev split.
        epochs: the most epochs (0: train nothing, the model unchanged).
        batch_size: examples per Adam step; the last batch of an epoch may be smaller.
        learning_rate: Adam's learning rate (other settings Keras's defaults).
        patience: stop after this many epochs in a row without a better dev accuracy.
        log_dir: TensorBoard folder, or None for no logs.
        seed: seeds the shuffling: one generator ``rng = np.random.default_rng(seed)`` per
            call, and each epoch's order is a new ``rng.permutation(N)`` from it.

    Returns:
        ``{"loss": [...], "train_accuracy": [...], "dev_accuracy": [...], "best_epoch": k}``: one
        entry per epoch run (loss: the mean of the epoch's batch losses, softmax cross-entropy
        averaged over each batch), and the index (from 0) of the epoch whose weights were kept
        (None when no epoch ran).
    """
    ids, mask, labels = (np.asarray(a) for a in train_data)
    dev_ids, dev_mask, dev_labels = (np.asarray(a) for a in dev_data)
    history = {"loss": [], "train_accuracy": [], "dev_accuracy": [], "best_epoch": None}
    # Adam, shuffled mini-batches, a GradientTape; per epoch: accuracies, TensorBoard, patience.
    # TODO(4.6): the training loop of the module docstring; restore the best epoch's weights.
    raise NotImplementedError("4.6: the training loop of the module docstring; restore the best epoch's weights.")
    return history
