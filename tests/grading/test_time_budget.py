"""A submission that hangs, trains at import or is slow cannot hold the grader: HW1, default limits.

Each submission is HW1's reference with one module attacked. Grading must finish well within two
minutes, write its results, give 0 only to what the attacked module's code affects, and say once
at the top of the feedback what happened.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from autograder.assignment.tasks import load_tasks
from autograder.grading import grade
from autograder.grading.results import task_scores

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sandbox")

KIT = Path(__file__).resolve().parents[2]
HW = "hw1_mlp_numpy"
ASSIGNMENT = load_tasks(KIT / "solutions" / HW)
LAYERS_TASKS = {"1.1", "1.2", "1.3", "1.9"}  # all their tests build layers (the optimisers'
# tests use the provided parameters.py)
LOSSES_TASKS = {"1.4", "1.5", "1.6"}  # and the training tests of 1.9 (not the builder's)

HANG = "\nimport time\nwhile True:\n    time.sleep(0.01)\n"
TRAINING_AT_IMPORT = """
import time
_w = np.zeros((64, 64))
_end = time.monotonic() + 300  # five minutes of "training" left at module level
while time.monotonic() < _end:
    _w = 0.9 * _w + 0.1 * np.tanh(_w @ np.ones((64, 64)) / 64 + 1)
"""
SLOW_CALLS = """
import functools as _functools
import os as _os
import sys as _sys
import time as _time


def _slow(func):
    # every call from outside the package (the tests) waits; the package's own calls do not
    @_functools.wraps(func)
    def wrapper(*args, **kwargs):
        caller = _sys._getframe(1).f_code.co_filename
        if not caller.startswith(_os.path.dirname(__file__)):
            _time.sleep({seconds})
        return func(*args, **kwargs)

    return wrapper


build_mlp = _slow(build_mlp)
train_step = _slow(train_step)
"""


def _submission(tmp_path: Path, module: str, extra: str) -> Path:
    student = tmp_path / "student" / HW
    student.mkdir(parents=True)
    for name in ASSIGNMENT.editable_files:
        shutil.copy(KIT / "solutions" / HW / name, student / name)
    source = (KIT / "solutions" / HW / f"{module}.py").read_text()
    (student / f"{module}.py").write_text(source + extra)
    return student.parent


def _grade(source: Path, tmp_path: Path) -> tuple[dict, float]:
    start = time.monotonic()
    results = grade(KIT, HW, source, tmp_path / "out" / "results.json")
    return results, time.monotonic() - start


@pytest.mark.parametrize(
    ("module", "extra", "zero", "partial"),
    [
        ("layers", HANG, LAYERS_TASKS, set()),
        ("losses", TRAINING_AT_IMPORT, LOSSES_TASKS, {"1.9"}),
    ],
    ids=["loop_at_import_of_layers", "training_at_import_of_losses"],
)
def test_a_module_whose_import_does_not_finish_costs_its_tasks_only(
    module, extra, zero, partial, tmp_path
):
    results, elapsed = _grade(_submission(tmp_path, module, extra), tmp_path)

    limit = ASSIGNMENT.import_limit
    assert elapsed < 2 * limit + 60, f"grading took {elapsed:.0f} s"
    scores = task_scores(results)
    for task in ASSIGNMENT.tasks:
        got = scores[task.id]
        if task.id in partial:
            assert 0 < got < task.points, (task.id, got)
        else:
            expected = 0 if task.id in zero else task.points
            assert got == pytest.approx(expected), (task.id, results["output"][:800])
    hung = f"importing {module}.py did not finish within {limit:g} s"
    top = results["output"].split("task ")[0]
    assert top.count(f"{module}.py could not be imported (after") == 1, top
    assert hung in top and f"(it was at {module}.py:" in top
    failing = [t["output"] for t in results["tests"] if t["score"] < t["max_score"]]
    assert all(hung in o for o in failing if "importing" in o)


def test_a_submission_slow_in_every_call_within_its_budget_keeps_its_points(tmp_path: Path):
    """Every call the tests make to the module-level training functions waits 2 s (12 calls).

    "Every function call" taken literally (about 540 calls from the tests, thousands from the
    provided solver) fits no budget near the reference's 8 s; the budget is for stuck or very
    slow code, not a speed grade.
    """
    source = _submission(tmp_path, "training", SLOW_CALLS.replace("{seconds}", "2"))
    results, elapsed = _grade(source, tmp_path)

    assert results["score"] == results["max_score"], results["output"][:800]
    assert "grading time" not in results["output"]
    assert elapsed < ASSIGNMENT.time_budget


def test_a_submission_too_slow_for_its_budget_is_stopped_and_the_rest_not_run(tmp_path: Path):
    source = _submission(tmp_path, "training", SLOW_CALLS.replace("{seconds}", "30"))
    results, elapsed = _grade(source, tmp_path)

    budget = ASSIGNMENT.time_budget
    assert elapsed < 120, f"grading took {elapsed:.0f} s"
    not_run = [t for t in results["tests"] if t["output"].startswith("Not run:")]
    assert not_run and all(t["score"] == 0 for t in not_run)
    assert all(f"used up its grading time of {budget:g} s" in t["output"] for t in not_run)
    assert results["output"].count(f"The submission used up its grading time of {budget:g} s") == 1
    earned = [t for t in results["tests"] if t["score"] > 0]
    assert earned and 0 < results["score"] < results["max_score"]
    order = [t["output"].startswith("Not run:") for t in results["tests"]]
    assert order == sorted(order), "a test ran after the budget was used up"


# The student's own check and the notebook's cells (in-process, on the fixture with a 2 s limit).


def _student_copy(kit: Path, scaler_tail: str) -> Path:
    """The released fixture with the reference laid in, ``import_limit = 2`` and a slow scaler."""
    folder = kit / "assignments" / "fx_ops"
    tasks = folder / "tasks.toml"
    tasks.write_text(tasks.read_text().replace("memory_mb", "import_limit = 2.0\nmemory_mb"))
    for name in ("ops.py", "scaler.py"):
        shutil.copy(kit / "solutions" / "fx_ops" / name, folder / name)
    with open(folder / "scaler.py", "a") as fh:
        fh.write(scaler_tail)
    return folder


def test_check_says_what_it_waits_for_when_an_import_is_slow(own_fixture_kit: Path, capfd):
    from autograder.grading.check import check_folder

    folder = _student_copy(own_fixture_kit, "\nimport time\ntime.sleep(4)\n")
    result = check_folder(folder)

    assert result.earned() == result.possible() > 0  # it waited, and the slow module passes
    err = capfd.readouterr().err
    assert "importing scaler.py has taken 2 s so far" in err and "Still waiting" in err


def test_notebook_cell_stops_a_hanging_import_and_scores_the_other_task(
    own_fixture_kit: Path, monkeypatch, capsys
):
    from autograder.integrations.notebook import check_task

    folder = _student_copy(own_fixture_kit, "\nwhile True:\n    pass\n")
    monkeypatch.chdir(folder)
    start = time.monotonic()
    assert check_task("1.2") == 0
    assert check_task("1.1") == 4
    assert time.monotonic() - start < 60
    out = capsys.readouterr().out
    assert "scaler.py could not be imported" in out
    assert "importing scaler.py did not finish within 2 s" in out
