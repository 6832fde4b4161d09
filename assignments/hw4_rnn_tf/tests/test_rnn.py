"""Public tests of task 4.4: unrolling a cell over time with a mask.

They unroll the kit's test cell (``autograder.topics.recurrent.oracle``), not the submission's
cells, and compare with the same recurrence in numpy: state kept and output repeated at padded
steps. float32 results agree with the float64 oracle to about 1e-7; the tolerance is 1e-5.
"""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, probe, seed_everything, submission
from autograder.topics.recurrent.oracle import TEST_CELL_SOURCE, masked_unroll

rnn = submission("hw4_rnn_tf.rnn")
TOL = {"rtol": 1e-5, "atol": 1e-5}


def kit_cell(rng, units, dim, pair=False):
    """The kit's test cell in the worker, and its weights for the numpy oracle."""
    w, u = rng.normal(size=(dim, units)), rng.normal(scale=0.8, size=(units, units))
    cls = probe("code.load", TEST_CELL_SOURCE, "TestCell")
    return cls(w, u, pair), w, u


def padded(rng, lengths, steps, dim):
    """Inputs (B, T, D) float32 with garbage at padded steps, and the mask (B, T)."""
    x = rng.normal(size=(len(lengths), steps, dim)).astype("float32")
    mask = np.arange(steps)[None, :] < np.asarray(lengths)[:, None]
    return x, mask


def compare_state(got, expected, name, pair):
    if pair:
        assert_close(len(got), 2, name=f"{name}: number of state tensors")
        for part, g, e in zip(("c", "h"), got, expected, strict=True):
            assert_close(g, e.astype("float32"), name=f"{name} {part}", **TOL)
    else:
        assert_close(got, expected.astype("float32"), name=name, **TOL)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@graded("4.4", points=4)
def test_unroll_without_mask_matches_step_by_step(dtype):
    seed_everything(440)
    rng = np.random.default_rng(440)
    cell, w, u = kit_cell(rng, 4, 3)
    x = rng.normal(size=(2, 6, 3)).astype(dtype)
    outputs, final = rnn.unroll(cell, x)
    want_outputs, want_final = masked_unroll(w, u, False, x)
    assert_close(
        outputs, want_outputs.astype(dtype), name=f"unroll outputs (B, T, U), {dtype}", **TOL
    )
    assert_close(final, want_final.astype(dtype), name=f"unroll final state, {dtype}", **TOL)


@graded("4.4", points=5)
def test_padding_never_changes_the_final_state():
    seed_everything(441)
    rng = np.random.default_rng(441)
    cell, w, u = kit_cell(rng, 5, 3)
    x, mask = padded(rng, [7, 3, 5, 1], 7, 3)
    outputs, final = rnn.unroll(cell, x, mask)
    want_outputs, want_final = masked_unroll(w, u, False, x, mask)
    compare_state(
        final, want_final, "unroll final state with padding (lengths 7, 3, 5, 1 of T = 7)", False
    )
    assert_close(
        outputs,
        want_outputs.astype("float32"),
        name="unroll outputs with padding (at a padded step: the previous step's output)",
        **TOL,
    )
    for row, length in enumerate([7, 3, 5, 1]):
        alone, alone_final = rnn.unroll(cell, x[row : row + 1, :length])
        assert_close(
            final[row : row + 1],
            alone_final,
            name=f"final state of row {row} padded from {length} to 7 steps vs unpadded",
            **TOL,
        )


@graded("4.4", points=3)
def test_unroll_with_a_pair_state_and_mask():
    seed_everything(442)
    rng = np.random.default_rng(442)
    cell, w, u = kit_cell(rng, 3, 2, pair=True)
    x, mask = padded(rng, [2, 6, 4], 6, 2)
    outputs, final = rnn.unroll(cell, x, mask)
    want_outputs, want_final = masked_unroll(w, u, True, x, mask)
    assert_close(outputs, want_outputs.astype("float32"), name="unroll outputs, pair state", **TOL)
    compare_state(final, want_final, "unroll final (c, h) with padding", True)
