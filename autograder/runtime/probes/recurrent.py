"""Probes for recurrent cells in TensorFlow (HW4): weights in, gradients and predictions out.

They run on the submission's side and receive the submission's objects (a cell, its classes and
functions); they return numbers and arrays only. The grader computes accuracies from the
predictions; test labels never enter the worker through these probes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.data.sentiment import load_sentiment_corpus
from autograder.data.text import Vocabulary

__all__ = ["cell_gradients", "cell_sequence", "set_weights", "train_and_predict"]


def set_weights(
    cell: Any, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray
) -> None:
    """Assign a cell's three variables (each keeps its dtype)."""
    for name, value in (("kernel", kernel), ("recurrent_kernel", recurrent_kernel), ("bias", bias)):
        variable = getattr(cell, name)
        variable.assign(np.asarray(value, dtype=variable.dtype.as_numpy_dtype))


def _flatten_state(state: Any) -> list[np.ndarray]:
    if isinstance(state, (list, tuple)):
        return [np.asarray(s) for s in state]
    return [np.asarray(state)]


def cell_gradients(cell: Any, x: np.ndarray, state: Any, grad_output: np.ndarray) -> dict:
    """One step of ``cell`` under a ``tf.GradientTape``; gradients of ``sum(output *
    grad_output)``.

    Args:
        cell: the submission's cell (its variables in the dtype of ``x`` for exact gradients).
        x: (B, D).
        state: (B, U), or a pair of them for the LSTM.
        grad_output: (B, U).

    Returns:
        ``{"x": ..., "state": [...], "kernel": ..., "recurrent_kernel": ..., "bias": ...}``;
        ``state`` lists one gradient per state tensor. A missing gradient (the output does not
        depend on it) is zeros.
    """
    import tensorflow as tf

    x = tf.constant(x)
    states = [tf.constant(s) for s in _flatten_state(state)]
    variables = [cell.kernel, cell.recurrent_kernel, cell.bias]
    with tf.GradientTape() as tape:
        tape.watch([x, *states])
        given = tuple(states) if isinstance(state, (list, tuple)) else states[0]
        output, _ = cell(x, given)
        loss = tf.reduce_sum(tf.cast(output, x.dtype) * tf.constant(grad_output, x.dtype))
    grads = tape.gradient(loss, [x, *states, *variables])
    sources = [x, *states, *variables]
    grads = [np.zeros(s.shape, s.dtype.as_numpy_dtype) if g is None else np.asarray(g)
             for g, s in zip(grads, sources, strict=True)]  # fmt: skip
    n = len(states)
    return {
        "x": grads[0],
        "state": grads[1 : 1 + n],
        "kernel": grads[1 + n],
        "recurrent_kernel": grads[2 + n],
        "bias": grads[3 + n],
    }


def train_and_predict(
    cell_class: Any,
    classifier_class: Any,
    train_fn: Any,
    *,
    units: int = 32,
    embed_dim: int = 16,
    epochs: int = 3,
    batch_size: int = 32,
    learning_rate: float = 1e-2,
    patience: int = 3,
    seed: int = 0,
    corpus: dict | None = None,
    max_len: int = 16,
    log_dir: str | None = None,
) -> dict:
    """Build ``classifier_class(V, cell_class(units, embed_dim, seed=seed), seed=seed)`` on the
    offline sentiment corpus, train it with ``train_fn`` and predict the dev and test splits.

    Args:
        cell_class: the submission's cell class.
        classifier_class: its ``SentenceClassifier``.
        train_fn: its ``training.train``.
        units: U.
        embed_dim: D.
        epochs: passed to ``train_fn``, with ``batch_size``, ``learning_rate``, ``patience``,
            ``log_dir`` and ``seed``.
        corpus: keyword arguments of ``load_sentiment_corpus``.
        max_len: T of the padded id matrices.

    Returns:
        ``{"test_predictions": int64 (N_test,), "dev_predictions": int64 (N_dev,), "history":
        what train_fn returned}``.
    """
    import tensorflow as tf

    tf.random.set_seed(seed)
    data = load_sentiment_corpus(**(corpus or {}))
    vocab = Vocabulary.build(data.train.sentences)
    train_ids, train_mask = vocab.encode(data.train.sentences, max_len)
    dev_ids, dev_mask = vocab.encode(data.dev.sentences, max_len)
    test_ids, test_mask = vocab.encode(data.test.sentences, max_len)
    model = classifier_class(len(vocab), cell_class(units, embed_dim, seed=seed), seed=seed)
    history = train_fn(
        model,
        (train_ids, train_mask, data.train.labels),
        (dev_ids, dev_mask, data.dev.labels),
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        patience=patience,
        log_dir=log_dir,
        seed=seed,
    )
    return {
        "test_predictions": np.asarray(model.predict(test_ids, test_mask), dtype=np.int64),
        "dev_predictions": np.asarray(model.predict(dev_ids, dev_mask), dtype=np.int64),
        "history": history,
    }


def cell_sequence(cell: Any, x: np.ndarray, state: Any) -> list:
    """Run ``cell`` over the steps of ``x`` (B, T, D) from ``state``, in a plain loop.

    Returns:
        ``[outputs, final_state]``: outputs (B, T, U) stacked; the state as the cell returns it
        (a pair for the LSTM).
    """
    import tensorflow as tf

    state = tuple(state) if isinstance(state, list) else state
    outputs = []
    for t in range(np.shape(x)[1]):
        output, state = cell(tf.constant(x[:, t]), state)
        outputs.append(np.asarray(output))
    return [np.stack(outputs, axis=1), state]
