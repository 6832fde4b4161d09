"""The shared helpers: tolerance messages, numeric gradients, tasks.toml validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.tasks import TasksError, load_tasks
from autograder.testing import CheckFailed, assert_close, check_finite, check_shape, numeric_grad


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


def _write_tasks(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "m.py").write_text("")
    (folder / "tasks.toml").write_text(body)
    return folder


GOOD = (
    '[assignment]\nid = "demo_hw"\ntitle = "t"\n[[tasks]]\nid = "1.1"\ntitle = "a"\n'
    'points = 2\nmodule = "m"\n'
)


def test_tasks_toml_loads_and_rejects_unknown_keys(tmp_path: Path):
    assignment = load_tasks(_write_tasks(tmp_path / "demo_hw", GOOD))
    assert assignment.editable_files == ("m.py",) and assignment.total_points == 2
    with pytest.raises(TasksError, match="unknown key"):
        load_tasks(
            _write_tasks(
                tmp_path / "demo2", GOOD.replace('id = "demo_hw"', 'id = "demo2"\ncolour = 1')
            )
        )


@pytest.mark.parametrize(
    "change, problem",
    [
        (('id = "1.1"', 'id = "one"'), "not a dotted number"),
        (('module = "m"', 'module = "nope"'), "not a file"),
        (("points = 2", "points = 0"), "positive points"),
        (('id = "demo_hw"', 'id = "other"'), "differs from the folder"),
        (('title = "t"', 'title = "t"\ntime_budget = 0'), "time_budget must be positive"),
        (('title = "t"', 'title = "t"\nimport_limit = -1'), "import_limit must be positive"),
    ],
)
def test_tasks_toml_errors_are_clear(tmp_path: Path, change, problem):
    folder = _write_tasks(tmp_path / "demo_hw", GOOD.replace(*change))
    with pytest.raises(TasksError, match=problem):
        load_tasks(folder)
