"""Checks of a submission's values: the kit's one tolerance helper and its shape/finite checks.

Tests, notebooks and benchmarks import these (``autograder.authoring``); nothing else defines its
own. Failures raise ``CheckFailed`` with a short ``summary`` (what was checked, the measured
error) and a ``detail`` with values; the grader shows the detail only for public tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "CheckFailed",
    "assert_close",
    "check",
    "check_finite",
    "check_shape",
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
