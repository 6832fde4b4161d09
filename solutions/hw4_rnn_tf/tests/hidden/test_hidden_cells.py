"""Hidden tests of tasks 4.1-4.3: float64 computation, other sizes, other forget biases, and
shapes and finiteness for batch 1, length 1 and 500 steps with large weights and inputs.
The Keras oracle as in the public tests (``autograder.topics.recurrent.oracle``)."""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check_finite,
    check_shape,
    graded,
    probe,
    seed_everything,
    submission,
)
from autograder.topics.recurrent.oracle import blocks, cell_sequence, cell_step

pytestmark = pytest.mark.hidden

cells = submission("hw4_rnn_tf.cells")
NAMES = {"rnn": "BasicRNNCell", "gru": "GRUCell", "lstm": "BasicLSTMCell"}


def make(kind, units, dim, rng, dtype="float32", scale=0.6, **kwargs):
    k = blocks(kind)
    weights = (
        rng.normal(scale=scale, size=(dim, k * units)),
        rng.normal(scale=scale, size=(units, k * units)),
        rng.normal(scale=scale, size=(k * units,)),
    )
    cell = getattr(cells, NAMES[kind])(units, dim, seed=1, dtype=dtype, **kwargs)
    probe("recurrent.set_weights", cell, *weights)
    return cell, tuple(w.astype(dtype) for w in weights)


def state_of(kind, batch, units, rng, dtype):
    draw = lambda: rng.normal(size=(batch, units)).astype(dtype)  # noqa: E731
    return (draw(), draw()) if kind == "lstm" else draw()


def parts(kind, state):
    return list(state) if kind == "lstm" else [state]


def float64_step(kind):
    seed_everything(410)
    rng = np.random.default_rng(410)
    cell, weights = make(kind, 7, 5, rng, dtype="float64")
    x = rng.normal(size=(4, 5))
    state = state_of(kind, 4, 7, rng, "float64")
    output, new_state = cell(x, state)
    want_output, want_state = cell_step(kind, weights, x, state)
    tol = {"rtol": 1e-10, "atol": 1e-12}
    assert_close(output, want_output, name=f"{NAMES[kind]} output in float64", **tol)
    for g, e in zip(parts(kind, new_state), parts(kind, want_state), strict=True):
        assert_close(g, e, name=f"{NAMES[kind]} new state in float64", **tol)


def long_and_short(kind):
    seed_everything(411)
    rng = np.random.default_rng(411)
    cell, weights = make(kind, 6, 2, rng, scale=1.5)
    for batch, steps in ((1, 1), (1, 500)):
        x = rng.normal(scale=3.0, size=(batch, steps, 2)).astype("float32")
        start = state_of(kind, batch, 6, rng, "float32")
        outputs, final = probe("recurrent.cell_sequence", cell, x, start)
        check_shape(outputs, (batch, steps, 6), f"{NAMES[kind]} outputs")
        check_finite(outputs, f"{NAMES[kind]} outputs over {steps} steps, large weights")
        for part in parts(kind, final):
            check_shape(part, (batch, 6), f"{NAMES[kind]} state")
            check_finite(part, f"{NAMES[kind]} state after {steps} steps, large weights")
        if steps == 1:
            want, _ = cell_sequence(kind, weights, x, start)
            assert_close(
                outputs, want, name=f"{NAMES[kind]} output, B = T = 1", rtol=1e-5, atol=1e-5
            )


@graded("4.1", points=3)
def test_rnn_float64_batch_one_and_500_steps():
    float64_step("rnn")
    long_and_short("rnn")


@graded("4.2", points=3)
def test_gru_float64_batch_one_and_500_steps():
    float64_step("gru")
    long_and_short("gru")


@graded("4.3", points=3)
def test_lstm_float64_forget_biases_batch_one_and_500_steps():
    float64_step("lstm")
    other_forget_biases()
    long_and_short("lstm")


def other_forget_biases():
    seed_everything(412)
    rng = np.random.default_rng(412)
    for forget_bias in (0.0, 2.5):
        cell, weights = make("lstm", 3, 4, rng, forget_bias=forget_bias)
        x = rng.normal(size=(2, 4)).astype("float32")
        state = state_of("lstm", 2, 3, rng, "float32")
        output, _ = cell(x, state)
        want, _ = cell_step("lstm", weights, x, state, forget_bias=forget_bias)
        assert_close(
            output,
            want,
            name=f"BasicLSTMCell output, forget_bias={forget_bias}",
            rtol=1e-5,
            atol=1e-5,
        )
