"""Hidden tests of task 3.2: rate 0, a bad rate, and the gradient through the mask."""

import numpy as np
import pytest

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission

dropout = submission("hw3_cnn_tf.dropout")

pytestmark = pytest.mark.hidden


@graded("3.2", points=1)
def test_rate_zero_keeps_everything():
    """Rate 0 keeps x while training, where a positive rate drops values (so that returning x
    is not enough). That a rate of 1 is refused is the provided ``__init__``'s work: not graded
    here (the kit's tests/test_trivial_bodies.py checks it)."""
    seed_everything(3025)
    x = np.random.default_rng(1).normal(size=(16, 8)).astype("float32")
    out = dropout.Dropout(0.0)(x, training=True)
    check(np.allclose(out, x, rtol=1e-6, atol=0), "Dropout(0.0) while training must keep x")
    half = dropout.Dropout(0.5)(x, training=True)
    check(
        np.any(half == 0) and not np.array_equal(half, x),
        "Dropout(0.5)(x, training=True) returned x unchanged: values must be dropped",
    )


@graded("3.2", points=2)
def test_values_are_either_dropped_or_exactly_rescaled():
    seed_everything(3023)
    rate = 0.6
    x = np.random.default_rng(2).uniform(1.0, 2.0, (200, 50)).astype("float32")
    out = dropout.Dropout(rate)(x, training=True)
    kept = out != 0
    check(0.5 < 1 - kept.mean() < 0.7, f"Dropout({rate}) dropped {1 - kept.mean():.3f} of x")
    assert_close(
        out[kept],
        x[kept] / (1 - rate),
        rtol=1e-6,
        atol=0,
        name=f"values kept by Dropout({rate}) (x / (1 - rate))",
    )


@graded("3.2", points=2)
def test_the_gradient_is_the_mask_over_the_keep_probability():
    seed_everything(3024)
    rate = 0.25
    layer = dropout.Dropout(rate)
    x = np.ones((40, 25), dtype="float32")
    upstream = np.ones_like(x)
    grads = probe("keras_tools.tape_gradients", layer, x, upstream, True)
    values = np.unique(grads["x"])
    kept = 1 / (1 - rate)
    check(
        len(values) == 2 and values[0] == 0 and abs(values[1] - kept) < 1e-6,
        f"the gradient of Dropout({rate}) while training takes the values {values.tolist()}, "
        f"expected 0 (dropped) and 1 / (1 - rate) (kept)",
    )
