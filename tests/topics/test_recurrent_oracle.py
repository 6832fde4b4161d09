"""The Keras cell oracles against the handout's formulas written in numpy, and the test cell's
masked unrolling against its definition: the conventions the oracles reconcile (GRU reset before
the recurrent product, LSTM forget bias and (c, h) order) are checked here once."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from autograder.topics.recurrent.oracle import (  # noqa: E402  # noqa: E402
    blocks,
    cell_gradients,
    cell_sequence,
    cell_step,
    classifier_logits,
    masked_unroll,
)


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def numpy_step(kind, weights, x, state, forget_bias=1.0):
    kernel, recurrent, bias = weights
    u = recurrent.shape[0]
    if kind == "rnn":
        h = np.tanh(x @ kernel + state @ recurrent + bias)
        return h, h
    if kind == "gru":
        xz, xr, xh = np.split(x @ kernel + bias, 3, axis=1)
        z = sigmoid(xz + state @ recurrent[:, :u])
        r = sigmoid(xr + state @ recurrent[:, u : 2 * u])
        cand = np.tanh(xh + (r * state) @ recurrent[:, 2 * u :])
        h = z * state + (1 - z) * cand
        return h, h
    c, h = state
    i, f, g, o = np.split(x @ kernel + h @ recurrent + bias, 4, axis=1)
    c2 = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(g)
    h2 = sigmoid(o) * np.tanh(c2)
    return h2, (c2, h2)


def random_case(kind, rng, batch=3, dim=4, units=5):
    k = blocks(kind)
    weights = tuple(
        rng.normal(scale=0.7, size=s) for s in ((dim, k * units), (units, k * units), (k * units,))
    )
    x = rng.normal(size=(batch, dim))
    state = rng.normal(size=(batch, units))
    if kind == "lstm":
        state = (state, rng.normal(size=(batch, units)))
    return weights, x, state


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_one_step_equals_the_handouts_formulas(kind):
    rng = np.random.default_rng(7)
    weights, x, state = random_case(kind, rng)
    output, new_state = cell_step(kind, weights, x, state)
    want_output, want_state = numpy_step(kind, weights, x, state)
    np.testing.assert_allclose(output, want_output, rtol=1e-10, atol=1e-12)
    for got, want in zip(np.atleast_3d(new_state), np.atleast_3d(want_state), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_lstm_forget_bias_is_an_argument():
    rng = np.random.default_rng(8)
    weights, x, state = random_case("lstm", rng)
    output, _ = cell_step("lstm", weights, x, state, forget_bias=2.5)
    want, _ = numpy_step("lstm", weights, x, state, forget_bias=2.5)
    np.testing.assert_allclose(output, want, rtol=1e-10)


def test_sequence_and_gradients():
    rng = np.random.default_rng(9)
    weights, _, state = random_case("gru", rng, batch=2, dim=3, units=2)
    xs = rng.normal(size=(2, 4, 3))
    outputs, final = cell_sequence("gru", weights, xs, state)
    h = state
    for t in range(4):
        out, h = numpy_step("gru", weights, xs[:, t], h)
        np.testing.assert_allclose(outputs[:, t], out, rtol=1e-10)
    np.testing.assert_allclose(final, h, rtol=1e-10)
    grad_out = rng.normal(size=(2, 2))
    grads = cell_gradients("gru", weights, xs[:, 0], state, grad_out)
    kernel, recurrent, bias = weights

    def loss(b):
        return np.sum(numpy_step("gru", (kernel, recurrent, b), xs[:, 0], state)[0] * grad_out)

    numeric = np.zeros_like(bias)
    for i in range(bias.size):
        step = np.zeros_like(bias)
        step[i] = 1e-6
        numeric[i] = (loss(bias + step) - loss(bias - step)) / 2e-6
    np.testing.assert_allclose(grads["bias"], numeric, rtol=1e-6, atol=1e-9)


def test_masked_unroll_keeps_state_and_repeats_output():
    rng = np.random.default_rng(10)
    w, u = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))
    x = rng.normal(size=(2, 5, 2))
    mask = np.array([[1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], bool)
    outputs, final = masked_unroll(w, u, False, x, mask)
    short, short_final = masked_unroll(w, u, False, x[:1, :3])
    np.testing.assert_allclose(final[:1], short_final)
    np.testing.assert_allclose(outputs[0, 3:], np.repeat(outputs[:1, 2], 2, axis=0))
    assert not outputs[1].any() and not final[1].any()
    ids, keep = np.array([[1, 2, 0]]), np.array([[True, True, False]])
    logits = classifier_logits(
        rng.normal(size=(4, 2)), np.eye(3)[:, :2], np.ones(2), w, u, False, ids, keep
    )
    assert logits.shape == (1, 2)
