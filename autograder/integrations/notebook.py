"""What a notebook calls: one helper to make its assignment importable, one to grade a task.

A notebook sits in its assignment's folder (``<root>/hw1_mlp_numpy/hw1_mlp_numpy.ipynb``) and
starts with::

    from autograder.integrations.notebook import use_assignment
    use_assignment("hw1_mlp_numpy")

after which ``import hw1_mlp_numpy.layers`` imports the student's own copy. Each autograded test
cell (nbgrader, one per task) ends with ``check_task("1.2", hidden=hidden)``: the task's tests run
in a separate process, so what is graded is the files on disk; the cell prints a short table and
its value is the task's score, which nbgrader reads as partial credit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from autograder.assignment.paths import (
    AssignmentError,
    find_assignment,
    find_kit,
    resolve_assignment,
)
from autograder.assignment.tasks import Assignment
from autograder.grading.check import check_folder
from autograder.grading.grade import grade_submission
from autograder.grading.records import read_tests
from autograder.grading.results import format_points

__all__ = ["check_task", "use_assignment"]

_official: dict[tuple[str, str, str], dict[str, Any]] = {}


def use_assignment(name: str, start: str | Path | None = None) -> Path:
    """Put the folder above assignment ``name`` first on ``sys.path`` and return the assignment.

    Args:
        name: the assignment's package name.
        start: where to look from (the notebook's folder); the current folder by default. The
            assignment is the start folder itself, a folder ``name`` below it, or a parent.

    Raises:
        AssignmentError: no folder ``name`` with a tasks.toml was found.
    """
    folder = find_assignment(name, start)
    root = str(folder.parent)
    if sys.path[:1] != [root]:
        if root in sys.path:
            sys.path.remove(root)
        sys.path.insert(0, root)
    os.environ["AUTOGRADER_SUBMISSION"] = root
    return folder


def _digest(folder: Path, files: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for name in files:
        path = folder / name
        h.update(name.encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    return h.hexdigest()


def _official_results(folder: Path) -> tuple[dict[str, Any], Assignment]:
    """The kit's grading (public and hidden tests, proxied) of the copy, once per file content."""
    kit = find_kit()
    try:
        resolved = resolve_assignment(kit, folder.name)
    except AssignmentError:
        resolved = None
    if resolved is None or resolved.solution is None:
        raise RuntimeError(
            f"the hidden tests of {folder.name} are not in {kit}: they are only in the "
            "instructor's kit (AUTOGRADER_KIT names it)"
        )
    key = (str(kit), folder.name, _digest(folder, resolved.assignment.editable_files))
    if key not in _official:
        with tempfile.TemporaryDirectory(prefix="ag-nb-") as tmp:
            _official[key] = grade_submission(resolved, folder, Path(tmp) / "results.json")
    return _official[key], resolved.assignment


def _official_score(folder: Path, task_id: str) -> float:
    results, assignment = _official_results(folder)
    task = assignment.task(task_id)
    tests = [t for t in read_tests(results) if t.task == task_id and t.max_score > 0]
    score = sum(t.score for t in tests)
    print(f"task {task_id} {task.title}: public and hidden tests")
    for t in tests:
        word = "pass" if t.score >= t.max_score else "FAIL"
        got, out_of = format_points(t.score), format_points(t.max_score)
        print(f"  {word} {got:>5} / {out_of:<5} {t.task} {t.title}: {t.name}")
        if word == "FAIL" and t.output:
            print("        " + t.output.replace("\n", "\n        "))
    print(f"Score for task {task_id}: {format_points(score)} / {format_points(task.points)}")
    return round(score, 4)


def _public_score(folder: Path, task_id: str) -> float:
    result = check_folder(folder, (task_id,), stop_slow_imports=True)
    print("\n".join(result.lines()))
    task = result.assignment.task(task_id)
    earned, possible = result.earned(task_id), result.possible(task_id)
    score = round(task.points * earned / possible, 4) if possible else 0.0
    print(
        f"\nScore for task {task_id}: {format_points(score)} / {format_points(task.points)} from "
        f"the public tests ({format_points(earned)} / {format_points(possible)}); grading adds "
        "hidden tests."
    )
    return score


def check_task(task_id: str, *, hidden: bool = False) -> float:
    """Grade one task of the assignment in the current folder, for a notebook's test cell.

    The tests run in a separate process (files on disk are graded: save your module first). What
    the run prints goes to stdout only, never to stderr, since nbgrader fails a cell that writes
    to stderr.

    Args:
        task_id: the task, e.g. ``"1.2"``.
        hidden: grade with the kit's public and hidden tests, proxied, as ``autograder grade``
            does (in the instructor's kit only; nbgrader's autograde switches it on). The first
            call grades every task and later calls reuse it while the files are unchanged.

    Returns:
        The task's score out of its points in tasks.toml. Without ``hidden``, the share of the
        public tests' points passed, times the task's points.
    """
    with contextlib.redirect_stderr(sys.stdout), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = find_assignment()
        return _official_score(folder, task_id) if hidden else _public_score(folder, task_id)
