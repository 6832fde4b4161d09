"""Public tests of task 3.2: Dropout at inference, while training, and inside a tf.function.

The statistical bounds: with N = 100000 independent draws, Hoeffding's inequality gives
P(|fraction dropped - rate| >= t) <= 2 exp(-2 N t^2); t = 0.009 makes that 1.8e-7, so a correct
layer fails the fraction test with probability below 1e-6 (the seeds are fixed as well, so the
test is also deterministic for a given implementation).
"""

import numpy as np

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission

dropout = submission("hw3_cnn_tf.dropout")

N = 100_000
BOUND = 0.009


@graded("3.2", points=2)
def test_inference_is_the_identity():
    seed_everything(3020)
    layer = dropout.Dropout(0.5)
    x = np.random.default_rng(0).normal(size=(64, 10)).astype("float32")
    out = layer(x)
    check(
        out.shape == x.shape and np.array_equal(out, x),
        "Dropout(x) at inference (training=False, the default) must return x unchanged",
    )
    out = layer(x, training=False)
    check(np.array_equal(out, x), "Dropout(x, training=False) must return x unchanged")
    # and only then: a layer that always returns x passes the lines above
    out = layer(x, training=True)
    check(
        not np.array_equal(out, x),
        "Dropout(0.5)(x, training=True) returned x unchanged: while training it drops values",
    )


@graded("3.2", points=4)
def test_training_drops_the_rate_and_rescales_the_rest():
    seed_everything(3021)
    rate = 0.3
    layer = dropout.Dropout(rate)
    out = layer(np.ones((N // 100, 100), dtype="float32"), training=True)
    dropped = float(np.mean(out == 0))
    check(
        abs(dropped - rate) < BOUND,
        f"Dropout({rate}) while training dropped {dropped:.4f} of the values; the rate is the "
        f"fraction dropped, expected {rate} +- {BOUND}",
    )
    kept = out[out != 0]
    assert_close(
        kept,
        np.full(kept.shape, 1 / (1 - rate), dtype="float32"),
        rtol=1e-6,
        atol=0,
        name=f"values kept by Dropout({rate}) on ones (inverted dropout rescales them by "
        "1 / (1 - rate))",
    )
    mean = float(out.mean())
    check(
        abs(mean - 1.0) < BOUND / (1 - rate),
        f"the mean of Dropout({rate})(ones) while training is {mean:.4f}; inverted dropout "
        "keeps it at 1",
    )


@graded("3.2", points=3)
def test_the_mask_is_new_on_every_call_inside_a_tf_function():
    seed_everything(3022)
    layer = dropout.Dropout(0.5)
    x = np.ones((8, 32), dtype="float32")
    runs = probe("keras_tools.calls_in_function", layer, x, 2)  # (2 runs, 2 calls, 8, 32)
    masks = runs != 0
    check(
        not np.array_equal(masks[0, 0], masks[0, 1]),
        "two calls of Dropout inside one tf.function gave the same mask",
    )
    check(
        not np.array_equal(masks[0, 0], masks[1, 0]),
        "running a tf.function twice gave the same dropout mask both times: the mask was drawn "
        "once while tracing (numpy's random numbers become constants of the graph); draw it "
        "with TensorFlow's random ops",
    )
