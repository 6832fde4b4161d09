"""Public tests of tasks 4.1-4.3: each cell against its Keras counterpart (one step, then seven
steps from a random state), and its gradients.

The oracle (``autograder.topics.recurrent.oracle``) runs Keras in the test's process with the same
weights: ``SimpleRNNCell``; ``GRUCell(reset_after=False)``; ``LSTMCell`` with 1.0 added to the
f block of its bias and its state [h, c] read as (c, h). float32 results agree to about 1e-7
(measured on the reference); the tolerance 1e-5 leaves room for another order of operations.
Gradients: the cell's ``tf.GradientTape`` gradients in float64 against central differences
(inputs and state) and against Keras's tape (weights), to 1e-6.
"""

import numpy as np

from autograder.authoring import (
    assert_close,
    graded,
    numeric_grad_array,
    probe,
    seed_everything,
    submission,
)
from autograder.topics.recurrent.oracle import blocks, cell_gradients, cell_sequence, cell_step

cells = submission("hw4_rnn_tf.cells")

TASKS = {
    "rnn": ("4.1", "BasicRNNCell"),
    "gru": ("4.2", "GRUCell"),
    "lstm": ("4.3", "BasicLSTMCell"),
}
F32 = {"rtol": 1e-5, "atol": 1e-5}


def make_cell(kind, units, dim, rng, dtype="float32", scale=0.6):
    """The submission's cell with random weights; returns the cell proxy and the weights."""
    k = blocks(kind)
    weights = (
        rng.normal(scale=scale, size=(dim, k * units)),
        rng.normal(scale=scale, size=(units, k * units)),
        rng.normal(scale=scale, size=(k * units,)),
    )
    cell = getattr(cells, TASKS[kind][1])(units, dim, seed=0, dtype=dtype)
    probe("recurrent.set_weights", cell, *weights)
    return cell, tuple(w.astype(dtype) for w in weights)


def random_state(kind, batch, units, rng, dtype="float32"):
    draw = lambda: rng.normal(scale=0.8, size=(batch, units)).astype(dtype)  # noqa: E731
    return (draw(), draw()) if kind == "lstm" else draw()


def compare_state(kind, got, expected, name):
    if kind == "lstm":
        assert_close(len(got), 2, name=f"{name}: number of state tensors (c, h)")
        for part, g, e in zip(("c", "h"), got, expected, strict=True):
            assert_close(g, e, name=f"{name} {part}", **F32)
    else:
        assert_close(got, expected, name=name, **F32)


def _one_step(kind):
    seed_everything(400)
    rng = np.random.default_rng(400)
    cell, weights = make_cell(kind, 5, 4, rng)
    x = rng.normal(size=(3, 4)).astype("float32")
    state = random_state(kind, 3, 5, rng)
    output, new_state = cell(x, state)
    want_output, want_state = cell_step(kind, weights, x, state)
    name = TASKS[kind][1]
    assert_close(output, want_output, name=f"{name} output (one step)", **F32)
    compare_state(kind, new_state, want_state, f"{name} new state (one step)")


def _sequence(kind):
    seed_everything(401)
    rng = np.random.default_rng(401)
    cell, weights = make_cell(kind, 4, 3, rng)
    x = rng.normal(size=(2, 7, 3)).astype("float32")
    state = random_state(kind, 2, 4, rng)
    outputs, final = probe("recurrent.cell_sequence", cell, x, state)
    want_outputs, want_final = cell_sequence(kind, weights, x, state)
    name = TASKS[kind][1]
    assert_close(outputs, want_outputs, name=f"{name} outputs over 7 steps, (B, T, U)", **F32)
    compare_state(kind, final, want_final, f"{name} state after 7 steps")


def _gradients(kind):
    seed_everything(402)
    rng = np.random.default_rng(402)
    cell, weights = make_cell(kind, 3, 2, rng, dtype="float64")
    x = rng.normal(size=(2, 2))
    state = random_state(kind, 2, 3, rng, dtype="float64")
    grad_out = rng.normal(size=(2, 3))
    got = probe("recurrent.cell_gradients", cell, x, state, grad_out)
    name = TASKS[kind][1]
    tol = {"rtol": 1e-6, "atol": 1e-8}
    numeric_x = numeric_grad_array(lambda v: cell(v, state)[0], x, grad_out)
    assert_close(got["x"], numeric_x, name=f"{name}: tape gradient w.r.t. inputs", **tol)
    parts = list(state) if kind == "lstm" else [state]
    for i, label in enumerate(("c", "h") if kind == "lstm" else ("h",)):

        def f(v, i=i):
            given = [p if j != i else v for j, p in enumerate(parts)]
            return cell(x, given if kind == "lstm" else given[0])[0]

        numeric = numeric_grad_array(f, parts[i], grad_out)
        assert_close(got["state"][i], numeric, name=f"{name}: tape gradient w.r.t. {label}", **tol)
    want = cell_gradients(kind, weights, x, state, grad_out)
    for key in ("kernel", "recurrent_kernel", "bias"):
        assert_close(got[key], want[key], name=f"{name}: tape gradient w.r.t. {key}", **tol)


@graded("4.1", points=5)
def test_rnn_matches_keras():
    _one_step("rnn")
    _sequence("rnn")


@graded("4.1", points=2)
def test_rnn_gradients():
    _gradients("rnn")


@graded("4.2", points=7)
def test_gru_matches_keras():
    _one_step("gru")
    _sequence("gru")


@graded("4.2", points=4)
def test_gru_gradients():
    _gradients("gru")


@graded("4.3", points=7)
def test_lstm_matches_keras():
    _one_step("lstm")
    _sequence("lstm")


@graded("4.3", points=4)
def test_lstm_gradients():
    _gradients("lstm")
