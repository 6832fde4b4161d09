"""Recurrent cells from basic TensorFlow ops (tasks 4.1, 4.2, 4.3).

The cell contract, shared by the three cells and by ``rnn.unroll``:

- ``cell(inputs, state) -> (output, new_state)`` computes one time step for a batch:
  ``inputs`` (B, D); ``state`` (B, U) for the RNN and the GRU, the pair ``(c, h)`` of two (B, U)
  tensors for the LSTM; ``output`` (B, U); ``new_state`` has the structure of ``state``.
- It computes in the dtype of ``inputs`` (float32 or float64): the provided code converts
  ``inputs`` and ``state`` to tensors and casts the weights to that dtype.
- Weights are created by the provided code, in Keras's layout: ``kernel`` (D, k*U),
  ``recurrent_kernel`` (U, k*U), ``bias`` (k*U,), with k blocks of U columns each: one block for
  the RNN, [z, r, h] for the GRU, [i, f, c, o] for the LSTM.
- ``units`` is U, ``input_dim`` is D, ``zero_state(batch_size, dtype)`` the initial state.

Only matrix products and elementwise operations (``tf.matmul`` or ``@``, ``tf.sigmoid``,
``tf.tanh``, ``tf.split``, ...): the library's recurrent layers and cells are not allowed.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

__all__ = ["BasicLSTMCell", "BasicRNNCell", "GRUCell"]


def _glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


class _Cell(tf.Module):
    """Provided: the weights of a cell with ``blocks`` gate blocks, and its zero state."""

    blocks = 1

    def __init__(
        self, units: int, input_dim: int, *, seed: int = 0, dtype: tf.DType = tf.float32
    ) -> None:
        super().__init__(name=type(self).__name__)
        self.units = int(units)
        self.input_dim = int(input_dim)
        rng = np.random.default_rng(seed)
        k = self.blocks
        kernel = _glorot_uniform(rng, input_dim, k * units)
        recurrent = np.concatenate([_orthogonal(rng, units) for _ in range(k)], axis=1)
        self.kernel = tf.Variable(kernel, dtype=dtype, name="kernel")  # (D, k*U)
        self.recurrent_kernel = tf.Variable(recurrent, dtype=dtype, name="recurrent_kernel")
        self.bias = tf.Variable(np.zeros(k * units), dtype=dtype, name="bias")  # (k*U,)

    def zero_state(self, batch_size: int, dtype: tf.DType = tf.float32) -> tf.Tensor:
        """Zeros (batch_size, U)."""
        return tf.zeros((batch_size, self.units), dtype=dtype)

    def _prepare(self, inputs, state):
        """inputs and state as tensors of one dtype, and the weights cast to it."""
        inputs = tf.convert_to_tensor(inputs)
        state = tf.nest.map_structure(lambda s: tf.cast(s, inputs.dtype), tuple_state(state))
        weights = [
            tf.cast(w, inputs.dtype) for w in (self.kernel, self.recurrent_kernel, self.bias)
        ]
        return inputs, state, weights


def tuple_state(state):
    """A state given as a list (as values arrive through the grader) is made a tuple."""
    return tuple(state) if isinstance(state, list) else state


class BasicRNNCell(_Cell):
    """The Elman cell (task 4.1): ``h' = tanh(x @ kernel + h @ recurrent_kernel + bias)``; the
    output is h'."""

    def __call__(self, inputs, state):
        """One step.

        Args:
            inputs: (B, D).
            state: h, (B, U).

        Returns:
            ``(output, new_state)``: both h', (B, U).
        """
        inputs, state, (kernel, recurrent_kernel, bias) = self._prepare(inputs, state)
        output = new_state = None
        # TODO(4.1): h' = tanh(x @ kernel + h @ recurrent_kernel + bias); output and state are h'.
        raise NotImplementedError("4.1: h' = tanh(x @ kernel + h @ recurrent_kernel + bias); output and state are h'.")
        return output, new_state


class GRUCell(_Cell):
    """The gated recurrent unit (task 4.2), with the reset gate applied to h before the
    recurrent product (Keras's ``reset_after=False``); gate blocks [z, r, h]."""

    blocks = 3

    def __call__(self, inputs, state):
        """One step.

        Args:
            inputs: (B, D).
            state: h, (B, U).

        Returns:
            ``(output, new_state)``: both h', (B, U).
        """
        inputs, state, (kernel, recurrent_kernel, bias) = self._prepare(inputs, state)
        output = new_state = None
        # TODO(4.2): gates z, r; candidate with r * h before U_h; h' = z * h + (1 - z) * candidate.
        raise NotImplementedError("4.2: gates z, r; candidate with r * h before U_h; h' = z * h + (1 - z) * candidate.")
        return output, new_state


class BasicLSTMCell(_Cell):
    """The long short-term memory cell (task 4.3), gate blocks [i, f, c, o], ``forget_bias``
    added to the f pre-activation; the state is the pair ``(c, h)``."""

    blocks = 4

    def __init__(
        self,
        units: int,
        input_dim: int,
        *,
        forget_bias: float = 1.0,
        seed: int = 0,
        dtype: tf.DType = tf.float32,
    ) -> None:
        super().__init__(units, input_dim, seed=seed, dtype=dtype)
        self.forget_bias = float(forget_bias)

    def zero_state(self, batch_size: int, dtype: tf.DType = tf.float32) -> tuple:
        """``(c, h)``, zeros (batch_size, U) each."""
        zeros = tf.zeros((batch_size, self.units), dtype=dtype)
        return (zeros, zeros)

    def __call__(self, inputs, state):
        """One step.

        Args:
            inputs: (B, D).
            state: ``(c, h)``, (B, U) each.

        Returns:
            ``(output, (c', h'))``: the output is h', (B, U).
        """
        inputs, state, (kernel, recurrent_kernel, bias) = self._prepare(inputs, state)
        output = new_state = None
        # TODO(4.3): blocks [i, f, c, o], forget_bias on f; c' = f*c + i*g; h' = o*tanh(c').
        raise NotImplementedError("4.3: blocks [i, f, c, o], forget_bias on f; c' = f*c + i*g; h' = o*tanh(c').")
        return output, new_state
