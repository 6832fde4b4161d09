"""Hidden tests of task 3.1: inference changes nothing, a constant batch, gradients, graphs."""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check,
    check_finite,
    graded,
    numeric_grad_array,
    probe,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.keras import batch_norm

batchnorm = submission("hw3_cnn_tf.batchnorm")

pytestmark = pytest.mark.hidden


@graded("3.1", points=3)
def test_inference_leaves_the_moving_statistics_alone():
    seed_everything(3013)
    layer = batchnorm.BatchNorm(momentum=0.5)
    x = np.random.default_rng(0).normal(3.0, 2.0, (8, 4)).astype("float32")
    layer(x, training=True)
    mean, var = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    for _ in range(3):
        layer(x * 5 + 7, training=False)
    check(
        np.array_equal(layer.moving_mean.numpy(), mean)
        and np.array_equal(layer.moving_variance.numpy(), var),
        "BatchNorm at inference (training=False) changed the moving statistics: they may only "
        "be updated while training",
    )


@graded("3.1", points=3)
def test_a_batch_of_identical_inputs_gives_beta_without_nan():
    layer = batchnorm.BatchNorm(epsilon=1e-3)
    layer.build((6, 3))
    beta = np.array([0.5, -1.0, 2.0], dtype="float32")
    layer.beta.assign(beta)
    layer.gamma.assign(np.array([2.0, 3.0, 4.0], dtype="float32"))
    x = np.tile(np.array([[1.0, -2.0, 7.0]], dtype="float32"), (6, 1))
    out = layer(x, training=True)
    check_finite(
        out,
        "BatchNorm(x, training=True) on 6 identical rows (NaN or inf: is epsilon "
        "inside the square root?)",
    )
    assert_close(
        out,
        np.tile(beta, (6, 1)),
        rtol=0,
        atol=1e-6,
        name="BatchNorm(x, training=True) on 6 identical rows (x - mean is 0: the output is beta)",
    )
    check_finite(layer.moving_variance.numpy(), "moving_variance after a constant batch")


@graded("3.1", points=3)
def test_tape_gradients_match_numeric_gradients_in_float64():
    seed_everything(3014)
    rng = np.random.default_rng(8)
    layer = batchnorm.BatchNorm(momentum=0.9, epsilon=1e-3, dtype="float64")
    x = rng.normal(1.0, 2.0, (5, 2, 2, 3))
    layer.build(x.shape)
    gamma = rng.uniform(0.5, 2.0, 3)
    layer.gamma.assign(gamma)
    layer.beta.assign(rng.normal(size=3))
    upstream = rng.normal(size=x.shape)
    grads = probe("keras_tools.tape_gradients", layer, x, upstream, True)
    numeric = numeric_grad_array(lambda v: layer(v, training=True), x, upstream)
    assert_close(grads["x"], numeric, rtol=1e-5, atol=1e-7, name="dL/dx of BatchNorm (training)")

    def with_gamma(g):
        layer.gamma.assign(g)
        return layer(x, training=True)

    numeric_gamma = numeric_grad_array(with_gamma, gamma, upstream)
    layer.gamma.assign(gamma)
    check("gamma" in grads, f"BatchNorm's trainable weights {sorted(grads)} lack 'gamma'")
    assert_close(grads["gamma"], numeric_gamma, rtol=1e-5, atol=1e-7, name="dL/dgamma of BatchNorm")


@graded("3.1", points=2)
def test_training_inside_a_tf_function_matches_keras():
    """The same layer in a compiled graph (as in model.fit): twice, with different inputs."""
    seed_everything(3015)
    layer = batchnorm.BatchNorm(momentum=0.9)
    rng = np.random.default_rng(9)
    x = rng.normal(2.0, 3.0, (3, 4, 4, 2)).astype("float32")
    layer.build(x.shape)
    runs = probe("keras_tools.calls_in_function", layer, x, 1)[0]  # (2, *x.shape)
    xs = [x, x]
    expected, mean, var = batch_norm(
        xs,
        np.ones(2, "float32"),
        np.zeros(2, "float32"),
        momentum=0.9,
        epsilon=1e-3,
        training=True,
    )
    assert_close(
        runs[1],
        expected[1],
        rtol=1e-5,
        atol=1e-5,
        name="BatchNorm(x, training=True) inside a tf.function",
    )
    assert_close(
        layer.moving_mean.numpy(),
        mean,
        rtol=1e-5,
        atol=1e-5,
        name="moving_mean after two training calls inside a tf.function",
    )
