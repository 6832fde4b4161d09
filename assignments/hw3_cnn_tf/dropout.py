"""Dropout from basic TensorFlow ops (task 3.2).

``Dropout(rate)`` drops each value with probability ``rate`` while training and scales the kept
ones by ``1 / (1 - rate)`` (inverted dropout), so that the expected output equals the input; at
inference (``training=False``, the default) it returns its input unchanged. Draw the mask with
TensorFlow's random ops (``tf.random.uniform``, or a stateless op with a seed that changes on
every call) so that it is new on every call, also inside a ``tf.function`` such as the one
``model.fit`` compiles: a mask drawn with numpy inside a ``tf.function`` is drawn once, while
tracing, and then frozen into the graph. ``tf.nn.dropout`` and ``keras.layers.Dropout`` are not
allowed (the grader detects them).
"""

from __future__ import annotations

import keras
import tensorflow as tf

__all__ = ["Dropout"]


@keras.saving.register_keras_serializable(package="hw3_cnn_tf")
class Dropout(keras.layers.Layer):
    """Inverted dropout.

    Args:
        rate: the fraction of values dropped while training, in [0, 1).
    """

    def __init__(self, rate: float, **kwargs) -> None:
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate = rate

    def call(self, x, training=False):
        """Drop and rescale while training; the identity at inference. Same shape as ``x``."""
        out = None
        # TODO(3.2): inverted dropout with a mask from TensorFlow's random ops.
        raise NotImplementedError("3.2: inverted dropout with a mask from TensorFlow's random ops.")
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}
