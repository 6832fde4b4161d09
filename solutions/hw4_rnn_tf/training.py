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
    ### BEGIN SOLUTION
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    variables = model.trainable_variables
    rng = np.random.default_rng(seed)
    writers = {}
    if log_dir is not None:
        writers = {s: tf.summary.create_file_writer(f"{log_dir}/{s}") for s in ("train", "dev")}
    best, best_weights, waited = -1.0, None, 0
    for epoch in range(epochs):
        order = rng.permutation(len(ids))
        losses = []
        for start in range(0, len(ids), batch_size):
            batch = order[start : start + batch_size]
            with tf.GradientTape() as tape:
                logits = model(ids[batch], mask[batch])
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels[batch], logits)
                )
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(grads, variables, strict=True))
            losses.append(float(loss))
        history["loss"].append(float(np.mean(losses)))
        history["train_accuracy"].append(evaluate(model, ids, mask, labels))
        history["dev_accuracy"].append(evaluate(model, dev_ids, dev_mask, dev_labels))
        if writers:
            with writers["train"].as_default():
                tf.summary.scalar("loss", history["loss"][-1], step=epoch)
                tf.summary.scalar("accuracy", history["train_accuracy"][-1], step=epoch)
            with writers["dev"].as_default():
                tf.summary.scalar("accuracy", history["dev_accuracy"][-1], step=epoch)
        if history["dev_accuracy"][-1] > best:
            best, waited = history["dev_accuracy"][-1], 0
            best_weights = [v.numpy() for v in variables]
            history["best_epoch"] = epoch
        else:
            waited += 1
            if waited >= patience:
                break
    if best_weights is not None:  # None when no epoch ran (epochs=0): nothing to restore
        for v, value in zip(variables, best_weights, strict=True):
            v.assign(value)
    for writer in writers.values():
        writer.flush()
    ### END SOLUTION
    return history
