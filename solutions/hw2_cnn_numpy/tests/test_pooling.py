"""Public tests of tasks 2.4 and 2.5: max and average pooling against PyTorch.

Integer-valued inputs build ties on purpose: PyTorch sends a window's gradient to its first
maximum in row-major order, and so must maxpool_backward."""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, submission
from autograder.authoring.oracles.pytorch import avg_pool2d, max_pool2d, pool2d_grad

pooling = submission("hw2_cnn_numpy.pooling")

# (N, C, H, W), kernel, stride (None: the kernel)
CASES = {
    "2x2-stride2": ((2, 3, 6, 8), (2, 2), None),
    "non-square-remainder": ((1, 2, 7, 9), (3, 2), (2, 2)),
    "overlapping-3x3-stride1": ((2, 1, 5, 6), (3, 3), (1, 1)),
    "stride3-C1": ((1, 1, 10, 8), (2, 3), (3, 3)),
}
ORACLES = {"max": max_pool2d, "avg": avg_pool2d}


def check_pool(kind, case, x, seed, ties=False):
    shape, kernel, stride = CASES[case]
    forward = getattr(pooling, f"{kind}pool_forward")
    backward = getattr(pooling, f"{kind}pool_backward")
    out, cache = forward(x, kernel, stride)
    expected = ORACLES[kind](x, kernel, stride)
    where = f"({case}: x {shape}, kernel {kernel}, stride {stride})"
    if ties:
        where += ", integer inputs with ties: each window's gradient goes to its first maximum"
    assert_close(out, expected, name=f"{kind}pool_forward output {where}")
    grad_out = np.random.default_rng(seed).normal(size=expected.shape)
    assert_close(
        backward(grad_out, cache),
        pool2d_grad(kind, x, grad_out, kernel, stride),
        name=f"{kind}pool_backward dx {where}",
    )


@graded("2.4", points=4)
@pytest.mark.parametrize("case", list(CASES))
def test_maxpool_matches_torch(case):
    x = np.random.default_rng(260).normal(size=CASES[case][0])
    check_pool("max", case, x, 261)


@graded("2.4", points=3)
@pytest.mark.parametrize("case", list(CASES))
def test_maxpool_ties_go_to_the_first_maximum(case):
    x = np.random.default_rng(262).integers(0, 3, size=CASES[case][0]).astype(np.float64)
    check_pool("max", case, x, 263, ties=True)


@graded("2.5", points=5)
@pytest.mark.parametrize("case", list(CASES))
def test_avgpool_matches_torch(case):
    x = np.random.default_rng(270).normal(size=CASES[case][0])
    check_pool("avg", case, x, 271)
