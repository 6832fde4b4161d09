"""Batch normalisation from basic TensorFlow ops (task 3.1).

``BatchNorm`` normalises over every axis but the last (the channels): over N for dense inputs
(N, C), over N, H and W for images (N, H, W, C). Its weights, made in ``build`` with
``add_weight`` and these names (the tests read them):

    gamma            (C,) trainable, ones        the scale
    beta             (C,) trainable, zeros       the shift
    moving_mean      (C,) not trainable, zeros
    moving_variance  (C,) not trainable, ones

While training (``training=True``) it uses the batch's mean and **biased** variance (divided by
the number of values, not one less), and updates the moving statistics in Keras's direction:

    y = gamma * (x - mean) / sqrt(var + epsilon) + beta
    moving = moving * momentum + batch_statistic * (1 - momentum)

At inference (``training=False``, the default) it uses the moving statistics and changes nothing.
Write it with ``tf.reduce_mean``, ``tf.square``, ``tf.math.rsqrt`` (or ``tf.sqrt``) and
arithmetic: ``tf.nn.moments``, ``tf.nn.batch_normalization`` and
``keras.layers.BatchNormalization`` are not allowed (the grader detects them). Compute in the
dtype of the layer (``BatchNorm(dtype="float64")`` computes in float64).
"""

from __future__ import annotations

import keras
import tensorflow as tf

__all__ = ["BatchNorm"]


@keras.saving.register_keras_serializable(package="hw3_cnn_tf")
class BatchNorm(keras.layers.Layer):
    """Batch normalisation over the last axis.

    Args:
        momentum: weight of the old moving statistic in each update.
        epsilon: added to the variance inside the square root.
    """

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3, **kwargs) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape) -> None:
        channels = input_shape[-1]
        # TODO(3.1): make gamma, beta, moving_mean and moving_variance with self.add_weight.
        ### BEGIN SOLUTION
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(
            shape=(channels,), initializer="zeros", trainable=False, name="moving_mean"
        )
        self.moving_variance = self.add_weight(
            shape=(channels,), initializer="ones", trainable=False, name="moving_variance"
        )
        ### END SOLUTION

    def call(self, x, training=False):
        """Normalise ``x`` (N, C) or (N, H, W, C); returns the same shape and dtype."""
        out = None
        # TODO(3.1): batch statistics and moving updates while training, moving ones otherwise.
        ### BEGIN SOLUTION
        axes = list(range(len(x.shape) - 1))
        if training:
            mean = tf.reduce_mean(x, axis=axes)
            var = tf.reduce_mean(tf.square(x - mean), axis=axes)
            m = tf.cast(self.momentum, x.dtype)
            self.moving_mean.assign(self.moving_mean * m + mean * (1 - m))
            self.moving_variance.assign(self.moving_variance * m + var * (1 - m))
        else:
            mean, var = self.moving_mean, self.moving_variance
        scale = self.gamma * tf.math.rsqrt(var + tf.cast(self.epsilon, x.dtype))
        out = (x - mean) * scale + self.beta
        ### END SOLUTION
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
