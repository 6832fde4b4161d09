"""Hidden tests of task 4.4: rows of padding only, an initial state, float64, batch 1 and
length 1, a long sequence. The kit's test cell and its numpy oracle, as in the public tests."""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, probe, seed_everything, submission
from autograder.topics.recurrent.oracle import TEST_CELL_SOURCE, masked_unroll

pytestmark = pytest.mark.hidden

rnn = submission("hw4_rnn_tf.rnn")


def make(rng, units, dim, pair):
    w, u = rng.normal(size=(dim, units)), rng.normal(scale=0.8, size=(units, units))
    return probe("code.load", TEST_CELL_SOURCE, "TestCell")(w, u, pair), w, u


def padding_only_rows_keep_the_initial_state_in_float64():
    seed_everything(450)
    rng = np.random.default_rng(450)
    cell, w, u = make(rng, 3, 2, True)
    x = rng.normal(size=(3, 4, 2))
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]], bool)
    start = (rng.normal(size=(3, 3)), rng.normal(size=(3, 3)))
    outputs, final = rnn.unroll(cell, x, mask, start)
    want_outputs, want_final = masked_unroll(w, u, True, x, mask, start)
    tol = {"rtol": 1e-10, "atol": 1e-12}
    assert_close(outputs, want_outputs, name="unroll outputs in float64 from a given state", **tol)
    for part, g, e in zip(("c", "h"), final, want_final, strict=True):
        assert_close(g, e, name=f"final {part} (a row of padding only keeps its state)", **tol)


def batch_one_length_one():
    seed_everything(451)
    rng = np.random.default_rng(451)
    cell, w, u = make(rng, 2, 3, False)
    x = rng.normal(size=(1, 1, 3)).astype("float32")
    outputs, final = rnn.unroll(cell, x, np.ones((1, 1), bool))
    want_outputs, want_final = masked_unroll(w, u, False, x)
    tol = {"rtol": 1e-5, "atol": 1e-5}
    assert_close(outputs, want_outputs.astype("float32"), name="outputs, B = T = 1", **tol)
    assert_close(final, want_final.astype("float32"), name="final state, B = T = 1", **tol)


def long_padded_sequence():
    seed_everything(452)
    rng = np.random.default_rng(452)
    cell, w, u = make(rng, 4, 2, False)
    lengths = [60, 17, 41]
    x = rng.normal(size=(3, 60, 2)).astype("float32")
    mask = (np.arange(60)[None, :] < np.array(lengths)[:, None]).astype("float32")  # 0/1 mask
    outputs, final = rnn.unroll(cell, x, mask)
    want_outputs, want_final = masked_unroll(w, u, False, x, mask)
    tol = {"rtol": 1e-4, "atol": 1e-4}
    assert_close(outputs, want_outputs.astype("float32"), name="outputs over 60 steps", **tol)
    assert_close(final, want_final.astype("float32"), name="final state over 60 steps", **tol)


@graded("4.4", points=4)
def test_padding_only_rows_initial_state_float64_batch_one_and_60_steps():
    padding_only_rows_keep_the_initial_state_in_float64()
    batch_one_length_one()
    long_padded_sequence()
