"""A small test cell of HW4's cell contract, and numpy oracles of masked unrolling with it.

Tests of unrolling and of the classifier must not depend on the student's own cells, so they send
``TEST_CELL_SOURCE`` to the worker (``probe("code.load", TEST_CELL_SOURCE, "TestCell")``) and
compare with :func:`masked_unroll`, the same cell in numpy. The cell is not one of the
assignment's (it is a made-up recurrence): with ``pair=False`` ``h' = tanh(x w + h u)``, with
``pair=True`` the state is ``(c, h)``, ``c' = 0.5 c + tanh(x w + h u)``, ``h' = tanh(c')``,
output h'.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["TEST_CELL_SOURCE", "classifier_logits", "masked_unroll"]

TEST_CELL_SOURCE = '''
import numpy as np
import tensorflow as tf


class TestCell:
    """A cell of the contract: cell(x, state) -> (output, new_state); units, input_dim."""

    def __init__(self, w, u, pair=False):
        self.w = np.asarray(w)
        self.u = np.asarray(u)
        self.pair = bool(pair)
        self.units = self.u.shape[0]
        self.input_dim = self.w.shape[0]

    def zero_state(self, batch_size, dtype=tf.float32):
        zeros = tf.zeros((batch_size, self.units), dtype=dtype)
        return (zeros, zeros) if self.pair else zeros

    def __call__(self, inputs, state):
        x = tf.convert_to_tensor(inputs)
        w = tf.constant(self.w, x.dtype)
        u = tf.constant(self.u, x.dtype)
        if self.pair:
            c, h = state
            new_c = 0.5 * c + tf.tanh(x @ w + h @ u)
            new_h = tf.tanh(new_c)
            return new_h, (new_c, new_h)
        new_h = tf.tanh(x @ w + state @ u)
        return new_h, new_h
'''


def _step(w: np.ndarray, u: np.ndarray, pair: bool, x: np.ndarray, state: Any):
    if pair:
        c, h = state
        new_c = 0.5 * c + np.tanh(x @ w + h @ u)
        new_h = np.tanh(new_c)
        return new_h, (new_c, new_h)
    new_h = np.tanh(x @ w + state @ u)
    return new_h, new_h


def masked_unroll(
    w: np.ndarray,
    u: np.ndarray,
    pair: bool,
    x: np.ndarray,
    mask: np.ndarray | None = None,
    state: Any = None,
) -> tuple[np.ndarray, Any]:
    """The test cell unrolled over ``x`` (B, T, D) with ``mask`` (B, T), in float64.

    At a masked step the state is kept and the output repeats the previous output (zeros at
    first). Returns ``(outputs (B, T, U), final_state)``.
    """
    x = np.asarray(x, dtype=np.float64)
    batch, steps = x.shape[:2]
    units = u.shape[0]
    mask = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)
    if state is None:
        state = (np.zeros((batch, units)),) * 2 if pair else np.zeros((batch, units))
    state = tuple(np.asarray(s, np.float64) for s in state) if pair else np.asarray(state, float)
    output = np.zeros((batch, units))
    outputs = []
    for t in range(steps):
        new_output, new_state = _step(w, u, pair, x[:, t], state)
        keep = mask[:, t, None]
        output = np.where(keep, new_output, output)
        if pair:
            state = tuple(np.where(keep, n, o) for n, o in zip(new_state, state, strict=True))
        else:
            state = np.where(keep, new_state, state)
        outputs.append(output)
    return np.stack(outputs, axis=1), state


def classifier_logits(
    embedding: np.ndarray,
    w_out: np.ndarray,
    b_out: np.ndarray,
    w: np.ndarray,
    u: np.ndarray,
    pair: bool,
    ids: np.ndarray,
    mask: np.ndarray,
) -> np.ndarray:
    """Logits of HW4's classifier with the test cell: the last output of the masked unroll of
    ``embedding[ids]``, times ``w_out``, plus ``b_out``. (B, C), float64."""
    outputs, _ = masked_unroll(w, u, pair, np.asarray(embedding)[ids], mask)
    return outputs[:, -1] @ w_out + b_out
