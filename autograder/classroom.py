"""Grade a whole class: a pool of local workers, resumable, one status per submission.

Each entry of the submissions folder (a folder or a ``.zip``) is one student. Results go to
``<out>/<student>/results.json``; the gradebook (one row a student, one column a task) to
``<out>/gradebook.csv``. A student whose results.json is newer than the submission is not graded
again. Threads are enough for the pool: each grading runs in processes of its own.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.grading import GradingError, assignment_paths, grade
from autograder.mutants import apply_patch, load_patches

__all__ = ["ClassResult", "example_class", "grade_class", "score_table", "write_gradebook"]


@dataclass(frozen=True)
class ClassResult:
    """The outcome for one student.

    Attributes:
        student: the entry's name (without ``.zip``).
        status: ``graded``, ``cached`` (not graded again) or ``error``.
        results: the results.json content, or None.
        message: why grading failed.
    """

    student: str
    status: str
    results: dict[str, Any] | None
    message: str = ""


def _students(folder: Path) -> list[tuple[str, Path]]:
    entries = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix == ".zip":
            entries.append((path.stem if path.suffix == ".zip" else path.name, path))
    return entries


def _newest(path: Path) -> float:
    if path.is_file():
        return path.stat().st_mtime
    return max([path.stat().st_mtime] + [p.stat().st_mtime for p in path.rglob("*")])


def grade_class(
    kit: Path, name: str, submissions: Path, out: Path, *, jobs: int = 2, progress: bool = True
) -> list[ClassResult]:
    """Grade every submission in ``submissions``; write results and the gradebook to ``out``."""
    students = _students(submissions)
    if not students:
        raise GradingError(f"no submissions (folders or .zip files) in {submissions}")
    out.mkdir(parents=True, exist_ok=True)

    def one(student: str, path: Path) -> ClassResult:
        target = out / student / "results.json"
        if target.is_file() and target.stat().st_mtime >= _newest(path):
            return ClassResult(student, "cached", json.loads(target.read_text(encoding="utf-8")))
        try:
            return ClassResult(student, "graded", grade(kit, name, path, target))
        except GradingError as exc:
            (out / student).mkdir(parents=True, exist_ok=True)
            (out / student / "error.txt").write_text(str(exc) + "\n", encoding="utf-8")
            return ClassResult(student, "error", None, str(exc))

    results: list[ClassResult] = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(students), desc=f"grading {name}", unit="submission")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, s, p) for s, p in students]
        for future in as_completed(futures):
            results.append(future.result())
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    results.sort(key=lambda r: r.student)
    write_gradebook(kit, name, results, out / "gradebook.csv")
    return results


def _task_scores(results: dict[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for test in results["tests"]:
        scores[test["number"]] = scores.get(test["number"], 0.0) + test["score"]
    return scores


def write_gradebook(kit: Path, name: str, results: list[ClassResult], path: Path) -> None:
    """One row a student, one column a task, then the total and the status."""
    tasks = [t.id for t in assignment_paths(kit, name).assignment.tasks]
    tmp = path.with_suffix(".part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *tasks, "total", "max_score", "status"])
        for r in results:
            if r.results is None:
                writer.writerow([r.student, *[""] * len(tasks), "", "", r.status])
                continue
            scores = _task_scores(r.results)
            writer.writerow(
                [r.student, *[f"{scores.get(t, 0.0):g}" for t in tasks]]
                + [f"{r.results['score']:g}", f"{r.results['max_score']:g}", r.status]
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
        scores = _task_scores(r.results)
        cells = " ".join(f"{scores.get(t, 0.0):>5g}" for t in tasks)
        total = f"{r.results['score']:g}/{r.results['max_score']:g}"
        lines.append(f"{r.student:<{width}} {cells} {total:>8}  {r.status}")
    return lines


def example_class(kit: Path, name: str, dest: Path, n_mutants: int = 3) -> Path:
    """Make a small class to grade: the reference, the untouched skeleton and a few mutants.

    Each student's folder holds only the assignment's editable files, as a student would submit.
    """
    paths = assignment_paths(kit, name)
    if paths.solution is None:
        raise GradingError(f"{name}: the example class needs the solutions")
    editable = paths.assignment.editable_files

    def keep(student: str, source_pkg: Path) -> None:
        target = dest / student / name
        target.mkdir(parents=True, exist_ok=True)
        for f in editable:
            (target / f).write_bytes((source_pkg / f).read_bytes())

    keep("reference", paths.solution)
    keep("skeleton", paths.release)
    mutants, tasks_seen = [], set()
    for patch in load_patches(paths.solution, "mutant"):  # one per task, spread over the tasks
        if patch.task not in tasks_seen:
            tasks_seen.add(patch.task)
            mutants.append(patch)
    step = max(1, len(mutants) // max(n_mutants, 1))
    for patch in mutants[::step][:n_mutants]:
        with tempfile.TemporaryDirectory() as tmp:
            root = apply_patch(paths.solution, patch, Path(tmp))
            keep(f"mutant-{patch.name}", root / name)
    now = time.time()
    for path in dest.rglob("*"):
        os.utime(path, (now, now))
    return dest
