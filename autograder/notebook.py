"""What a notebook calls: one helper to make its assignment importable, one to grade a task.

A notebook sits in its assignment's folder (``<root>/hw1_mlp_numpy/hw1_mlp_numpy.ipynb``) and
starts with::

    from autograder.notebook import use_assignment
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograder.tasks import Assignment

__all__ = ["check_task", "find_assignment", "use_assignment"]

_official: dict[tuple[str, str, str], dict[str, Any]] = {}


def find_assignment(name: str | None = None, start: str | Path | None = None) -> Path:
    """The folder of an assignment: ``start`` itself, a folder ``name`` below it, or a parent.

    Args:
        name: the assignment's package name; any assignment folder (one with tasks.toml) when None.
        start: where to look from (the notebook's folder); the current folder by default.

    Raises:
        FileNotFoundError: no such folder with a tasks.toml.
    """
    here = Path(start or os.getcwd()).resolve()
    candidates = [here / name, here, *here.parents] if name else [here, *here.parents]
    for folder in candidates:
        if (name is None or folder.name == name) and (folder / "tasks.toml").is_file():
            return folder
    what = f"the assignment {name!r}" if name else "an assignment (a folder with tasks.toml)"
    raise FileNotFoundError(f"cannot find {what} from {here}: open the notebook from its folder")


def use_assignment(name: str, start: str | Path | None = None) -> Path:
    """Put the folder above assignment ``name`` first on ``sys.path`` and return the assignment.

    Args:
        name: the assignment's package name.
        start: where to look from (the notebook's folder); the current folder by default. The
            assignment is the start folder itself, a folder ``name`` below it, or a parent.

    Raises:
        FileNotFoundError: no folder ``name`` with a tasks.toml was found.
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
    from autograder.grading import GradingError, assignment_paths, find_kit, grade

    kit = find_kit()
    try:
        paths = assignment_paths(kit, folder.name)
    except GradingError:
        paths = None
    if paths is None or paths.solution is None:
        raise RuntimeError(
            f"the hidden tests of {folder.name} are not in {kit}: they are only in the "
            "instructor's kit (AUTOGRADER_KIT names it)"
        )
    key = (str(kit), folder.name, _digest(folder, paths.assignment.editable_files))
    if key not in _official:
        with tempfile.TemporaryDirectory(prefix="ag-nb-") as tmp:
            _official[key] = grade(kit, folder.name, folder, Path(tmp) / "results.json")
    return _official[key], paths.assignment


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x - round(x, 2)) < 1e-9 else f"{x:.2f}"


def _official_score(folder: Path, task_id: str) -> float:
    results, assignment = _official_results(folder)
    task = assignment.task(task_id)
    tests = [t for t in results["tests"] if t["number"] == task_id and t["max_score"] > 0]
    score = sum(t["score"] for t in tests)
    print(f"task {task_id} {task.title}: public and hidden tests")
    for t in tests:
        word = "pass" if t["score"] >= t["max_score"] else "FAIL"
        print(f"  {word} {_fmt(t['score']):>5} / {_fmt(t['max_score']):<5} {t['name']}")
        if word == "FAIL" and t["output"]:
            print("        " + t["output"].replace("\n", "\n        "))
    print(f"Score for task {task_id}: {_fmt(score)} / {_fmt(task.points)}")
    return round(score, 4)


def _public_score(folder: Path, task_id: str) -> float:
    from autograder.checking import check_folder

    result = check_folder(folder, (task_id,), stop_slow_imports=True)
    print("\n".join(result.lines()))
    task = result.assignment.task(task_id)
    earned, possible = result.earned(task_id), result.possible(task_id)
    score = round(task.points * earned / possible, 4) if possible else 0.0
    print(
        f"\nScore for task {task_id}: {_fmt(score)} / {_fmt(task.points)} from the public tests "
        f"({_fmt(earned)} / {_fmt(possible)}); grading adds hidden tests."
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
