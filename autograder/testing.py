"""The one tolerance helper, numeric-gradient helper and seeding helper of the kit.

Tests, notebooks and benchmarks import these; nothing else defines its own.
Failures raise ``CheckFailed`` with a short ``summary`` (what was checked, the measured error) and
a ``detail`` with values; the grader shows the detail only for public tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.runtime.seeding import seed_local
from autograder.runtime.session import current_session

__all__ = [
    "CheckFailed",
    "assert_close",
    "check",
    "check_finite",
    "check_shape",
    "numeric_grad",
    "numeric_grad_array",
    "seed_everything",
    "seed_local",
]


class CheckFailed(AssertionError):
    """A failed check of a submission's value.

    Attributes:
        summary: what was checked and the measured error; safe to show for hidden tests.
        detail: received and expected values; shown only for public tests.
    """

    def __init__(self, summary: str, detail: str = "") -> None:
        self.summary = summary
        self.detail = detail
        super().__init__(summary + (f"\n{detail}" if detail else ""))


def check(condition: Any, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is true."""
    if not condition:
        raise CheckFailed(message)


def _as_array(value: Any, name: str) -> np.ndarray:
    if isinstance(value, (bool, int, float, np.generic)) and not isinstance(value, np.ndarray):
        return np.asarray(value)
    if type(value) is not np.ndarray:
        raise CheckFailed(f"{name}: expected a numpy array, got {type(value).__name__}")
    return value


def check_shape(value: Any, shape: tuple[int, ...], name: str = "value") -> None:
    """Fail unless ``value`` is a numpy array of exactly ``shape``."""
    array = _as_array(value, name)
    if array.shape != tuple(shape):
        raise CheckFailed(f"{name}: shape {array.shape}, expected {tuple(shape)}")


def check_finite(value: Any, name: str = "value") -> None:
    """Fail if ``value`` holds inf or NaN, saying how many and where the first is."""
    array = _as_array(value, name)
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CheckFailed(f"{name}: {int(bad.sum())} non-finite values (first at {first})")


def assert_close(
    actual: Any,
    expected: Any,
    *,
    rtol: float = 1e-7,
    atol: float = 1e-9,
    name: str = "value",
    dtype: Any = None,
) -> None:
    """Compare a submission's value with an expected one, type, shape and dtype first.

    Passes when ``|actual - expected| <= atol + rtol * |expected|`` everywhere (numpy's rule).

    Args:
        actual: the submission's value (numpy array or Python number).
        expected: the oracle's value.
        rtol: relative tolerance.
        atol: absolute tolerance.
        name: what is compared, as the student knows it (``"Linear.backward grads['W']"``).
        dtype: the dtype ``actual`` must have; by default the expected value's kind (float64 for
            floats) is required only when ``expected`` is an array.

    Raises:
        CheckFailed: with the maximum absolute and relative error and the index where it occurs.
    """
    expected_arr = np.asarray(expected)
    actual_arr = _as_array(actual, name)
    if actual_arr.shape != expected_arr.shape:
        raise CheckFailed(f"{name}: shape {actual_arr.shape}, expected {expected_arr.shape}")
    want = np.dtype(dtype) if dtype is not None else None
    if want is None and isinstance(expected, np.ndarray):
        want = expected.dtype
    if want is not None and actual_arr.dtype != want:
        raise CheckFailed(f"{name}: dtype {actual_arr.dtype}, expected {want}")
    if actual_arr.dtype.kind not in "biufc":
        raise CheckFailed(f"{name}: dtype {actual_arr.dtype} is not numeric")
    a = actual_arr.astype(np.complex128 if actual_arr.dtype.kind == "c" else np.float64)
    e = expected_arr.astype(a.dtype)
    nan_mismatch = np.isnan(a) != np.isnan(e)
    if nan_mismatch.any():
        where = tuple(int(i) for i in np.argwhere(nan_mismatch)[0])
        raise CheckFailed(
            f"{name}: NaN where a number was expected (or the reverse) at {where}",
            f"received {a[where].item()!r}, expected {e[where].item()!r}",
        )
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.where(np.isnan(e), 0.0, np.abs(a - e))
        err = np.where(np.isinf(e) & (a == e), 0.0, err)
        bound = atol + rtol * np.abs(e)
        bad = ~(err <= bound)
    if not bad.any():
        return
    excess = np.where(bad, err - bound, -np.inf)
    where = np.unravel_index(int(np.nanargmax(excess)), excess.shape) if excess.ndim else ()
    where = tuple(int(i) for i in where)
    abs_err = float(np.max(np.where(bad, err, 0.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(bad, err / np.abs(e), 0.0)
    rel_err = float(np.nanmax(rel)) if rel.size else 0.0
    count = int(bad.sum())
    at = f" at index {where}" if where else ""
    raise CheckFailed(
        f"{name}: {count} of {bad.size} values differ; max abs error {abs_err:.3g}, "
        f"max rel error {rel_err:.3g} (tolerance atol={atol:g}, rtol={rtol:g}){at}",
        f"received {a[where].item()!r}, expected {e[where].item()!r}{at}",
    )


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function, in float64.

    Args:
        f: maps an array shaped like ``x`` to a number; it receives perturbed copies of ``x``.
        x: the point, any shape; converted to float64.
        eps: the step.

    Returns:
        ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every element i, shaped like ``x``.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = float(f(x.copy()))
        x[i] = old - eps
        minus = float(f(x.copy()))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def numeric_grad_array(
    f: Callable[[np.ndarray], Any], x: np.ndarray, grad_out: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Numeric gradient of an array-valued function, given the upstream gradient.

    Args:
        f: maps an array shaped like ``x`` to an array shaped like ``grad_out``.
        x: the point, any shape; converted to float64.
        grad_out: the gradient of the loss with respect to ``f(x)``.
        eps: the step.

    Returns:
        The gradient of ``sum(f(x) * grad_out)`` with respect to ``x`` (what a layer's
        ``backward(grad_out)`` returns), by central differences in float64.
    """
    weights = np.asarray(grad_out, dtype=np.float64)
    return numeric_grad(
        lambda v: float(np.sum(np.asarray(f(v), dtype=np.float64) * weights)), x, eps
    )


def seed_everything(seed: int) -> None:
    """Seed this process and, when a submission worker is connected, the worker too."""
    seed_local(seed)
    current_session().request("seed", seed=seed)
