"""The shared helpers: tolerance messages, numeric gradients, tasks.toml validation."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.authoring import (
    CheckFailed,
    assert_close,
    check_finite,
    check_shape,
    numeric_grad,
    numeric_grad_array,
)


def test_assert_close_passes_within_tolerance():
    assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))


def test_assert_close_reports_max_errors_and_where():
    expected = np.zeros((2, 3))
    actual = expected.copy()
    actual[1, 2] = 0.5
    with pytest.raises(CheckFailed) as info:
        assert_close(actual, expected, name="Linear.forward output")
    assert info.value.summary.startswith("Linear.forward output: 1 of 6 values differ")
    assert "max abs error 0.5" in info.value.summary and "(1, 2)" in info.value.summary
    assert "expected" not in info.value.summary and "received 0.5" in info.value.detail


@pytest.mark.parametrize(
    "actual, problem",
    [
        (np.zeros(3), "shape (3,), expected (2,)"),
        (np.zeros(2, dtype=np.float32), "dtype float32, expected float64"),
        ([0.0, 0.0], "expected a numpy array, got list"),
        (np.array([np.nan, 0.0]), "NaN where a number was expected"),
    ],
)
def test_assert_close_checks_type_shape_dtype_and_nan_first(actual, problem):
    with pytest.raises(CheckFailed, match=problem.replace("(", r"\(").replace(")", r"\)")):
        assert_close(actual, np.zeros(2), name="x")


def test_shape_and_finite_checks():
    check_shape(np.zeros((2, 3)), (2, 3))
    with pytest.raises(CheckFailed, match=r"shape \(3,\), expected \(2, 3\)"):
        check_shape(np.zeros(3), (2, 3), name="out")
    with pytest.raises(CheckFailed, match=r"1 non-finite values \(first at \(1,\)\)"):
        check_finite(np.array([0.0, np.inf]))


def test_numeric_grad_matches_a_known_gradient():
    x = np.random.default_rng(0).normal(size=(3, 4))
    grad = numeric_grad(lambda z: float(np.sum(z**3)), x)
    assert_close(grad, 3 * x**2, rtol=1e-6, atol=1e-8)


def test_numeric_grad_array_is_the_gradient_of_the_upstream_weighted_sum():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    grad_out = np.array([[1.0, 2.0], [-1.0, 0.5]])
    got = numeric_grad_array(lambda v: v**3, x, grad_out)  # d/dx sum(x^3 * g) = 3 x^2 g
    np.testing.assert_allclose(got, 3 * x**2 * grad_out, rtol=1e-6)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(numeric_grad_array(lambda v: v**3, x, 2 * grad_out), got)
