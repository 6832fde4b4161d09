"""Hidden tests of tasks 2.4 and 2.5: more overlaps, remainders and ties; repeated calls."""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, submission
from autograder.authoring.oracles.pytorch import avg_pool2d, max_pool2d, pool2d_grad

pytestmark = pytest.mark.hidden

pooling = submission("hw2_cnn_numpy.pooling")

CASES = {
    "overlap-4x3-stride2x1": ((2, 2, 9, 7), (4, 3), (2, 1)),
    "1x1-stride2": ((1, 3, 5, 5), (1, 1), (2, 2)),
    "whole-image": ((3, 2, 4, 6), (4, 6), (1, 1)),
    "batch1-stride3-remainder": ((1, 1, 11, 10), (3, 3), (3, 3)),
}
ORACLES = {"max": max_pool2d, "avg": avg_pool2d}


def check_pool(kind, case, x, seed, ties=False):
    shape, kernel, stride = CASES[case]
    expected = ORACLES[kind](x, kernel, stride)
    grad_out = np.random.default_rng(seed).normal(size=expected.shape)
    expected_dx = pool2d_grad(kind, x, grad_out, kernel, stride)
    for call in (1, 2):
        out, cache = getattr(pooling, f"{kind}pool_forward")(x, kernel, stride)
        where = f"({case}: x {shape}, kernel {kernel}, stride {stride}, call {call})"
        if ties:
            where += ", integer inputs with ties: each window's gradient goes to its first maximum"
        assert_close(out, expected, name=f"{kind}pool_forward output {where}")
        dx = getattr(pooling, f"{kind}pool_backward")(grad_out, cache)
        assert_close(dx, expected_dx, name=f"{kind}pool_backward dx {where}")


@graded("2.4", points=2)
@pytest.mark.parametrize("case", list(CASES))
def test_maxpool_more_shapes(case):
    check_pool("max", case, np.random.default_rng(280).normal(size=CASES[case][0]), 281)


@graded("2.4", points=3)
@pytest.mark.parametrize("case", list(CASES))
def test_maxpool_ties_with_overlapping_windows(case):
    x = np.random.default_rng(282).integers(-1, 2, size=CASES[case][0]).astype(np.float64)
    check_pool("max", case, x, 283, ties=True)


@graded("2.5", points=3)
@pytest.mark.parametrize("case", list(CASES))
def test_avgpool_more_shapes(case):
    check_pool("avg", case, np.random.default_rng(290).normal(size=CASES[case][0]), 291)
