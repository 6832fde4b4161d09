"""Keras and TensorFlow oracles: what a TensorFlow submission's layers and models should compute.

Functions take and return numpy arrays and run in the test's process (the grader's side), never
in the submission's worker. Batch normalisation is Keras's own ``BatchNormalization`` (axis -1,
biased variance, ``moving = moving * momentum + batch * (1 - momentum)``); the models are
written out with ``tf.nn`` ops from their weights, so a test compares a submission's model with
an independent forward pass.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

__all__ = ["batch_norm", "cnn_forward", "mlp_forward"]


def batch_norm(
    xs: list[np.ndarray],
    gamma: np.ndarray,
    beta: np.ndarray,
    *,
    momentum: float,
    epsilon: float,
    training: bool,
    moving_mean: np.ndarray | None = None,
    moving_variance: np.ndarray | None = None,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Keras's ``BatchNormalization`` applied to each batch of ``xs`` in turn.

    Args:
        xs: batches (N, C) or (N, H, W, C), all of one dtype (the layer computes in it).
        gamma, beta: the scale and shift, (C,).
        momentum, epsilon: as Keras defines them.
        training: batch statistics and moving-average updates (True) or moving statistics.
        moving_mean, moving_variance: the starting moving statistics (zeros and ones if None).

    Returns:
        (outputs, moving_mean, moving_variance) after the last batch.
    """
    dtype = xs[0].dtype.name
    channels = xs[0].shape[-1]
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype=dtype)
    layer.build(xs[0].shape)
    layer.set_weights(
        [
            gamma,
            beta,
            np.zeros(channels, dtype) if moving_mean is None else moving_mean,
            np.ones(channels, dtype) if moving_variance is None else moving_variance,
        ]
    )
    outputs = [np.asarray(layer(tf.constant(x), training=training)) for x in xs]
    return outputs, np.asarray(layer.moving_mean), np.asarray(layer.moving_variance)


def _bn_inference(x: tf.Tensor, weights: list[np.ndarray], epsilon: float) -> tf.Tensor:
    gamma, beta, mean, var = weights
    return (x - mean) / tf.sqrt(var + epsilon) * gamma + beta


def cnn_forward(
    weights: dict[str, list[np.ndarray]], x: np.ndarray, epsilon: float = 1e-3
) -> np.ndarray:
    """Logits of HW3's CNN at inference: conv1, bn1, relu, pool, conv2, bn2, relu, pool, flatten,
    logits.

    Args:
        weights: layer name -> the layer's weights in Keras's order (``get_weights()``):
            Conv2D [kernel (3, 3, Cin, F), bias (F,)]; BatchNorm [gamma, beta, moving_mean,
            moving_variance]; Dense [kernel, bias].
        x: images (N, H, W, C).
        epsilon: BatchNorm's epsilon.
    """
    h = tf.constant(x)
    for i in (1, 2):
        kernel, bias = weights[f"conv{i}"]
        h = tf.nn.conv2d(h, kernel, strides=1, padding="SAME") + bias
        h = tf.nn.relu(_bn_inference(h, weights[f"bn{i}"], epsilon))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
    h = tf.reshape(h, (h.shape[0], -1))
    kernel, bias = weights["logits"]
    return np.asarray(h @ kernel + bias)


def mlp_forward(
    weights: dict[str, list[np.ndarray]], x: np.ndarray, epsilon: float = 1e-3
) -> np.ndarray:
    """Logits of HW3's MLP at inference (dropout is the identity): dense1, bn1, relu, logits."""
    kernel, bias = weights["dense1"]
    h = tf.constant(x) @ kernel + bias
    h = tf.nn.relu(_bn_inference(h, weights["bn1"], epsilon))
    kernel, bias = weights["logits"]
    return np.asarray(h @ kernel + bias)
