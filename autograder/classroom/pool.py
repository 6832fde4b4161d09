"""Grade many submissions: a pool of local workers, resumable, one outcome per submission.

``grade_each`` is the one loop both ``grade_class`` (a folder of submissions) and nbgrader's
``grade_submitted`` use: a submission whose results.json is newer than every file of it is not
graded again (``cached``), a failure is written beside its results (``error.txt``), and a callback
sees each outcome as it comes. Threads are enough for the pool: each grading runs in processes of
its own. The gradebook is one row a student, one column a task.
"""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from tqdm import tqdm

from autograder.assignment.paths import assignment_paths
from autograder.grading.errors import GradingError
from autograder.grading.grade import grade
from autograder.grading.results import task_scores

__all__ = [
    "ClassResult",
    "Outcome",
    "grade_class",
    "grade_each",
    "score_table",
    "write_gradebook",
]


class Outcome(str, Enum):
    """What happened to one submission."""

    GRADED = "graded"
    CACHED = "cached"  # its results were newer than the submission: not graded again
    ERROR = "error"  # it could not be graded (unreadable, no editable file)


@dataclass(frozen=True)
class ClassResult:
    """The outcome for one student.

    Attributes:
        student: the entry's name (without ``.zip``).
        status: the outcome.
        results: the results.json content, or None.
        message: why grading failed.
        seconds: how long it took.
    """

    student: str
    status: Outcome
    results: dict[str, Any] | None
    message: str = ""
    seconds: float = 0.0


def _newest(path: Path) -> float:
    if path.is_file():
        return path.stat().st_mtime
    return max([path.stat().st_mtime] + [p.stat().st_mtime for p in path.rglob("*")])


def grade_each(
    kit: Path,
    name: str,
    entries: list[tuple[str, Path]],
    out: Path,
    *,
    jobs: int = 2,
    on_result: Callable[[ClassResult, int], None] | None = None,
) -> list[ClassResult]:
    """Grade each ``(student, submission)`` into ``out/<student>/results.json``.

    Args:
        kit: the instructor's kit.
        name: the assignment.
        entries: the students and their submissions (folders or zips).
        out: where results go.
        jobs: submissions graded at once.
        on_result: called (under a lock) with each result and how many are done so far.

    Returns:
        One result per student, sorted by name.
    """
    lock, done = threading.Lock(), [0]

    def one(student: str, path: Path) -> ClassResult:
        target = out / student / "results.json"
        start = time.monotonic()
        if target.is_file() and target.stat().st_mtime >= _newest(path):
            results = json.loads(target.read_text(encoding="utf-8"))
            result = ClassResult(student, Outcome.CACHED, results)
        else:
            try:
                results = grade(kit, name, path, target)
                result = ClassResult(student, Outcome.GRADED, results)
            except GradingError as exc:
                (out / student).mkdir(parents=True, exist_ok=True)
                (out / student / "error.txt").write_text(str(exc) + "\n", encoding="utf-8")
                result = ClassResult(student, Outcome.ERROR, None, str(exc))
        result = ClassResult(**{**result.__dict__, "seconds": time.monotonic() - start})
        with lock:
            done[0] += 1
            if on_result is not None:
                on_result(result, done[0])
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, s, p) for s, p in entries]
        return sorted((f.result() for f in as_completed(futures)), key=lambda r: r.student)


def _students(folder: Path) -> list[tuple[str, Path]]:
    entries = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix == ".zip":
            entries.append((path.stem if path.suffix == ".zip" else path.name, path))
    return entries


def grade_class(
    kit: Path, name: str, submissions: Path, out: Path, *, jobs: int = 2, progress: bool = True
) -> list[ClassResult]:
    """Grade every submission in ``submissions``; write results and the gradebook to ``out``."""
    students = _students(submissions)
    if not students:
        raise GradingError(f"no submissions (folders or .zip files) in {submissions}")
    out.mkdir(parents=True, exist_ok=True)
    bar = None
    if progress:
        bar = tqdm(total=len(students), desc=f"grading {name}", unit="submission")
    results = grade_each(
        kit, name, students, out, jobs=jobs, on_result=(lambda r, n: bar.update(1)) if bar else None
    )
    if bar is not None:
        bar.close()
    write_gradebook(kit, name, results, out / "gradebook.csv")
    return results


def write_gradebook(kit: Path, name: str, results: list[ClassResult], path: Path) -> None:
    """One row a student, one column a task, then the total and the status."""
    tasks = [t.id for t in assignment_paths(kit, name).assignment.tasks]
    tmp = path.with_suffix(".part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *tasks, "total", "max_score", "status"])
        for r in results:
            if r.results is None:
                writer.writerow([r.student, *[""] * len(tasks), "", "", r.status.value])
                continue
            scores = task_scores(r.results)
            writer.writerow(
                [r.student, *[f"{scores.get(t, 0.0):g}" for t in tasks]]
                + [f"{r.results['score']:g}", f"{r.results['max_score']:g}", r.status.value]
            )
    os.replace(tmp, path)


def score_table(kit: Path, name: str, results: list[ClassResult]) -> list[str]:
    """The class as a text table: one row a student, one column a task."""
    tasks = [t.id for t in assignment_paths(kit, name).assignment.tasks]
    width = max([len(r.student) for r in results] + [7])
    head = f"{'student':<{width}} " + " ".join(f"{t:>5}" for t in tasks) + "   total  status"
    lines = [head, "-" * len(head)]
    for r in results:
        if r.results is None:
            lines.append(
                f"{r.student:<{width}} {'':>{6 * len(tasks)}}  {'':>6}  error: {r.message}"
            )
            continue
        scores = task_scores(r.results)
        cells = " ".join(f"{scores.get(t, 0.0):>5g}" for t in tasks)
        total = f"{r.results['score']:g}/{r.results['max_score']:g}"
        lines.append(f"{r.student:<{width}} {cells} {total:>8}  {r.status.value}")
    return lines
