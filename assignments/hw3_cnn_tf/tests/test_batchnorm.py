"""Public tests of task 3.1: BatchNorm against Keras's BatchNormalization.

Keras's layer is the oracle (``autograder.authoring.oracles.keras``), run in the tests' process
with the same gamma, beta, momentum and epsilon. Float32 results agree within rtol 1e-5, atol 1e-5
(measured differences of the reference: below 1e-6).
"""

import numpy as np
import pytest

from autograder.authoring import assert_close, check, graded, seed_everything, submission
from autograder.authoring.oracles.keras import batch_norm

batchnorm = submission("hw3_cnn_tf.batchnorm")

SHAPES = {"dense (N, C)": (16, 5), "images (N, H, W, C)": (4, 6, 5, 3)}


def _layer(shape, momentum=0.9, epsilon=1e-3, dtype="float32", seed=0):
    """The student's layer, built, with random gamma and beta set; returns (layer, gamma, beta)."""
    rng = np.random.default_rng(seed)
    layer = batchnorm.BatchNorm(momentum=momentum, epsilon=epsilon, dtype=dtype)
    layer.build(shape)
    channels = shape[-1]
    gamma = rng.uniform(0.5, 2.0, channels).astype(dtype)
    beta = rng.normal(size=channels).astype(dtype)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    return layer, gamma, beta


def _batches(shape, n, seed, dtype="float32"):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=shape) * 3 + 1.5).astype(dtype) for _ in range(n)]


@graded("3.1", points=2)
def test_weights_have_the_handout_names_shapes_and_starting_values():
    layer = batchnorm.BatchNorm()
    layer.build((2, 4, 4, 3))
    for name, start, trainable in [
        ("gamma", 1.0, True),
        ("beta", 0.0, True),
        ("moving_mean", 0.0, False),
        ("moving_variance", 1.0, False),
    ]:
        value = getattr(layer, name).numpy()
        check(value.shape == (3,), f"BatchNorm.{name}: shape {value.shape}, expected (3,)")
        check(np.all(value == start), f"BatchNorm.{name} should start at {start:g}")
        check(
            bool(getattr(layer, name).trainable) == trainable,
            f"BatchNorm.{name} should {'' if trainable else 'not '}be trainable",
        )
        weight = str(getattr(layer, name).name).split("/")[-1].split(":")[0]
        check(
            weight == name,
            f"BatchNorm.{name} is a weight named {weight!r}: give add_weight name={name!r}",
        )


@graded("3.1", points=6)
@pytest.mark.parametrize("kind", list(SHAPES))
def test_training_output_matches_keras(kind):
    seed_everything(3010)
    shape = SHAPES[kind]
    layer, gamma, beta = _layer(shape, seed=1)
    x = _batches(shape, 1, seed=2)[0]
    expected, _, _ = batch_norm([x], gamma, beta, momentum=0.9, epsilon=1e-3, training=True)
    assert_close(
        layer(x, training=True),
        expected[0],
        rtol=1e-5,
        atol=1e-5,
        name=f"BatchNorm(x, training=True) on {kind} (batch mean, biased variance, over every "
        "axis but the last)",
    )


@graded("3.1", points=6)
@pytest.mark.parametrize("kind", list(SHAPES))
def test_moving_statistics_after_several_steps_match_keras(kind):
    seed_everything(3011)
    shape = SHAPES[kind]
    layer, gamma, beta = _layer(shape, momentum=0.8, seed=3)
    xs = _batches(shape, 4, seed=4)
    for x in xs:
        layer(x, training=True)
    _, mean, var = batch_norm(xs, gamma, beta, momentum=0.8, epsilon=1e-3, training=True)
    assert_close(
        layer.moving_mean.numpy(),
        mean,
        rtol=1e-5,
        atol=1e-5,
        name=f"moving_mean after 4 training steps on {kind} (moving * momentum + batch * "
        "(1 - momentum))",
    )
    assert_close(
        layer.moving_variance.numpy(),
        var,
        rtol=1e-5,
        atol=1e-5,
        name=f"moving_variance after 4 training steps on {kind} (the biased batch variance)",
    )


@graded("3.1", points=3)
def test_inference_uses_the_moving_statistics():
    seed_everything(3012)
    shape = SHAPES["images (N, H, W, C)"]
    layer, gamma, beta = _layer(shape, seed=5)
    rng = np.random.default_rng(6)
    mean = rng.normal(size=3).astype("float32")
    var = rng.uniform(0.5, 3.0, 3).astype("float32")
    layer.moving_mean.assign(mean)
    layer.moving_variance.assign(var)
    x = _batches(shape, 1, seed=7)[0]
    expected, _, _ = batch_norm(
        [x],
        gamma,
        beta,
        momentum=0.9,
        epsilon=1e-3,
        training=False,
        moving_mean=mean,
        moving_variance=var,
    )
    assert_close(
        layer(x),
        expected[0],
        rtol=1e-5,
        atol=1e-5,
        name="BatchNorm(x) at inference (training=False: the moving statistics, not the batch's)",
    )
