"""Probes for recurrent cells in TensorFlow (HW4): weights in, gradients and predictions out.

They run on the submission's side and receive the submission's objects (a cell, its classes and
functions); they return numbers and arrays only. The grader computes accuracies from the
predictions; test labels never enter the worker through these probes.
"""

from __future__ import annotations

import tempfile
from typing import Any

import numpy as np

from autograder.data.text import Vocabulary
from autograder.runtime.probes.keras_tools import tensorboard_scalars
from autograder.topics.recurrent.data.sentiment import load_sentiment_corpus

__all__ = ["assign_variable", "cell_gradients", "cell_sequence", "set_weights", "train_and_predict"]


def set_weights(
    cell: Any, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray
) -> None:
    """Assign a cell's three variables (each keeps its dtype)."""
    for name, value in (("kernel", kernel), ("recurrent_kernel", recurrent_kernel), ("bias", bias)):
        assign_variable(cell, name, value)


def assign_variable(owner: Any, name: str, value: np.ndarray) -> None:
    """Assign ``owner.<name>``, a variable (a classifier's ``b_out``), keeping its dtype."""
    variable = getattr(owner, name)
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
    cell: Any,
    classifier_class: Any,
    train_fn: Any,
    *,
    epochs: int = 3,
    batch_size: int = 64,
    learning_rate: float = 2e-2,
    patience: int = 3,
    seed: int = 0,
    corpus: dict | None = None,
    max_len: int = 16,
    tensorboard: bool = False,
) -> dict:
    """Build ``classifier_class(V, cell, seed=seed)`` on the offline sentiment corpus, train it
    with ``train_fn`` and predict the dev and test splits.

    Args:
        cell: a cell (the submission's, or the kit's test cell); its ``input_dim`` is the
            embedding size.
        classifier_class: the submission's ``SentenceClassifier``.
        train_fn: its ``training.train``.
        epochs: passed to ``train_fn``, with ``batch_size``, ``learning_rate``, ``patience``,
            ``seed`` and a ``log_dir``.
        seed: also seeds TensorFlow and the classifier's weights.
        corpus: keyword arguments of ``load_sentiment_corpus``.
        max_len: T of the padded id matrices.
        tensorboard: pass a fresh temporary folder as ``log_dir`` (else None) and report what
            was logged.

    Returns:
        ``{"test_predictions": int64 (N_test,), "dev_predictions": int64 (N_dev,), "history":
        what train_fn returned}``, and with ``tensorboard`` ``"logs"``: for each of ``train``
        and ``dev``, the scalar tags found in the event files of ``<log_dir>/<split>`` and how
        many values each has (``{"train": {"accuracy": 3, "loss": 3}, "dev": {...}}``).
    """
    import tensorflow as tf

    log_dir = tempfile.mkdtemp(prefix="tensorboard-") if tensorboard else None
    tf.random.set_seed(seed)
    data = load_sentiment_corpus(**(corpus or {}))
    vocab = Vocabulary.build(data.train.sentences)
    train_ids, train_mask = vocab.encode(data.train.sentences, max_len)
    dev_ids, dev_mask = vocab.encode(data.dev.sentences, max_len)
    test_ids, test_mask = vocab.encode(data.test.sentences, max_len)
    model = classifier_class(len(vocab), cell, seed=seed)
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
    result = {
        "test_predictions": np.asarray(model.predict(test_ids, test_mask), dtype=np.int64),
        "dev_predictions": np.asarray(model.predict(dev_ids, dev_mask), dtype=np.int64),
        "history": history,
    }
    if log_dir is not None:
        result["logs"] = {split: _logged(log_dir, split) for split in ("train", "dev")}
    return result


def _logged(log_dir: str, split: str) -> dict[str, int]:
    """Scalar tags in the TensorBoard event files of ``<log_dir>/<split>`` and how many steps
    each has (read by ``keras_tools.tensorboard_scalars``, HW3's reader)."""
    prefix = f"{split}/"
    scalars = tensorboard_scalars(log_dir)
    return {tag[len(prefix) :]: len(v) for tag, v in scalars.items() if tag.startswith(prefix)}


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
