"""Unrolling a cell over time with a mask (task 4.4).

``unroll(cell, inputs, mask)`` runs any cell of the cell contract (``cells.py``) over the time
axis. Sentences of a batch have different lengths: they are padded at the end, and ``mask`` is
true at real tokens. At a padded step the state stays what it was and the output repeats the
previous step's output (zeros before the first real token), as Keras's recurrent layers do. So
after the last step the state and the last output are those of each sentence's last real token,
whatever the padding.
"""

from __future__ import annotations

import tensorflow as tf

__all__ = ["unroll"]


def tuple_state(state):
    """A state given as a list (as values arrive through the grader) is made a tuple; this module
    does not import ``cells``, so that 4.4 does not depend on 4.1-4.3."""
    return tuple(state) if isinstance(state, list) else state


def unroll(cell, inputs, mask=None, initial_state=None):
    """Run ``cell`` over every time step.

    Args:
        cell: a cell (``cell(x_t, state) -> (output, new_state)``, ``cell.units``,
            ``cell.zero_state(batch_size, dtype)``).
        inputs: (B, T, D), float32 or float64.
        mask: (B, T), true (or 1) at real steps, false (or 0) at padding; None: all real.
        initial_state: the state before the first step (the cell's structure: a (B, U) tensor,
            or a pair for the LSTM); None: ``cell.zero_state(B, inputs.dtype)``.

    Returns:
        ``(outputs, final_state)``: outputs (B, T, U) in the dtype of ``inputs``, the output of
        every step (at padded steps, the previous step's output); the state after the last step.
    """
    inputs = tf.convert_to_tensor(inputs)
    batch, steps = inputs.shape[0], inputs.shape[1]
    mask = tf.ones((batch, steps), tf.bool) if mask is None else tf.cast(mask, tf.bool)  # (B, T)
    if initial_state is None:
        state = cell.zero_state(batch, inputs.dtype)
    else:
        state = tf.nest.map_structure(
            lambda s: tf.cast(s, inputs.dtype), tuple_state(initial_state)
        )
    outputs = []
    # Where mask[:, t] is false, keep the old state and repeat the previous output.
    # TODO(4.4): call the cell on each inputs[:, t], mask its state and output, append to outputs.
    ### BEGIN SOLUTION
    output = tf.zeros((batch, cell.units), inputs.dtype)  # (B, U)
    for t in range(steps):
        step_output, new_state = cell(inputs[:, t], state)
        keep = tf.cast(mask[:, t, None], inputs.dtype)  # (B, 1): 1 at real steps
        output = keep * step_output + (1.0 - keep) * output
        state = tf.nest.map_structure(
            lambda new, old, k=keep: k * new + (1.0 - k) * old, tuple_state(new_state), state
        )
        outputs.append(output)
    ### END SOLUTION
    return tf.stack(outputs, axis=1), state
