"""Keras oracles: what a recurrent cell written from basic TensorFlow ops should compute.

The kit's cells (HW4) keep Keras's weight layout: ``kernel`` (D, k*U), ``recurrent_kernel``
(U, k*U), ``bias`` (k*U,), gate blocks [z, r, h] (GRU) and [i, f, c, o] (LSTM). Conventions
reconciled here:

- ``"rnn"``: ``keras.layers.SimpleRNNCell`` (tanh);
- ``"gru"``: ``keras.layers.GRUCell(reset_after=False)``, the classic GRU with the reset gate on
  the previous state before the recurrent product, ``h' = z * h + (1 - z) * h~``;
- ``"lstm"``: ``keras.layers.LSTMCell`` with ``forget_bias`` added to the f block of the bias
  (the kit's cell adds it to the f pre-activation); Keras keeps the state as ``[h, c]``, the kit
  as ``(c, h)``.

Every function takes and returns numpy arrays and runs Keras in the test's process, in the dtype
of ``x``. Nothing here imports the submission.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

__all__ = ["KINDS", "blocks", "cell_gradients", "cell_sequence", "cell_step"]

KINDS = ("rnn", "gru", "lstm")
_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}


def blocks(kind: str) -> int:
    """Gate blocks k of a cell kind: 1, 3 or 4."""
    return _BLOCKS[kind]


def _keras_cell(kind: str, weights: tuple[np.ndarray, ...], forget_bias: float, dtype: str):
    kernel, recurrent, bias = (np.asarray(w, dtype=dtype) for w in weights)
    units = recurrent.shape[0]
    if kind == "rnn":
        cell = keras.layers.SimpleRNNCell(units, dtype=dtype)
    elif kind == "gru":
        cell = keras.layers.GRUCell(units, reset_after=False, dtype=dtype)
    elif kind == "lstm":
        cell = keras.layers.LSTMCell(units, unit_forget_bias=False, dtype=dtype)
        bias = bias.copy()
        bias[units : 2 * units] += forget_bias
    else:
        raise ValueError(f"unknown cell kind {kind!r}; one of {KINDS}")
    cell.build((None, kernel.shape[0]))
    cell.set_weights([kernel, recurrent, bias])
    return cell


def _to_keras(kind: str, state: Any) -> list:
    if kind == "lstm":
        c, h = state
        return [tf.constant(h), tf.constant(c)]
    return [tf.constant(state)]


def _from_keras(kind: str, state: list) -> Any:
    if kind == "lstm":
        h, c = state
        return (np.asarray(c), np.asarray(h))
    return np.asarray(state[0])


def cell_step(
    kind: str, weights: tuple[np.ndarray, ...], x: np.ndarray, state: Any, forget_bias: float = 1.0
) -> tuple[np.ndarray, Any]:
    """One step of the Keras cell.

    Args:
        kind: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        weights: ``(kernel, recurrent_kernel, bias)`` in the kit's (= Keras's) layout.
        x: (B, D); its dtype is the computation's.
        state: (B, U), or ``(c, h)`` for the LSTM.
        forget_bias: added to the LSTM's f block.

    Returns:
        ``(output, new_state)`` in the kit's structure.
    """
    dtype = np.asarray(x).dtype.name
    cell = _keras_cell(kind, weights, forget_bias, dtype)
    state = tuple(np.asarray(s, dtype=dtype) for s in state) if kind == "lstm" else state
    output, new_state = cell(tf.constant(x), _to_keras(kind, np.asarray(state, dtype=dtype)))
    if not isinstance(new_state, (list, tuple)):
        new_state = [new_state]
    return np.asarray(output), _from_keras(kind, list(new_state))


def cell_sequence(
    kind: str,
    weights: tuple[np.ndarray, ...],
    x: np.ndarray,
    state: Any,
    forget_bias: float = 1.0,
) -> tuple[np.ndarray, Any]:
    """The Keras cell over every step of ``x`` (B, T, D), no mask.

    Returns:
        ``(outputs, final_state)``: outputs (B, T, U), the state in the kit's structure.
    """
    outputs = []
    for t in range(x.shape[1]):
        output, state = cell_step(kind, weights, x[:, t], state, forget_bias)
        outputs.append(output)
    return np.stack(outputs, axis=1), state


def cell_gradients(
    kind: str,
    weights: tuple[np.ndarray, ...],
    x: np.ndarray,
    state: Any,
    grad_output: np.ndarray,
    forget_bias: float = 1.0,
) -> dict[str, np.ndarray]:
    """Gradients of ``sum(output * grad_output)`` of one Keras step, in float64.

    Returns:
        ``{"kernel", "recurrent_kernel", "bias"}`` -> arrays in the kit's layout.
    """
    cell = _keras_cell(kind, weights, forget_bias, "float64")
    keras_state = _to_keras(kind, np.asarray(state, dtype="float64"))
    with tf.GradientTape() as tape:
        output, _ = cell(tf.constant(x, tf.float64), keras_state)
        loss = tf.reduce_sum(output * tf.constant(grad_output, tf.float64))
    variables = {v.path.split("/")[-1]: v for v in cell.trainable_variables}
    grads = tape.gradient(loss, [variables[n] for n in ("kernel", "recurrent_kernel", "bias")])
    return dict(zip(("kernel", "recurrent_kernel", "bias"), map(np.asarray, grads), strict=True))
