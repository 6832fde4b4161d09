"""An example class to grade: the reference, the untouched skeleton and a few mutants."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.paths import ResolvedAssignment
from autograder.grading.errors import GradingError

__all__ = ["example_class"]


def example_class(resolved: ResolvedAssignment, dest: Path, n_mutants: int = 3) -> Path:
    """Make a small class to grade: the reference, the untouched skeleton and a few mutants.

    Each student's folder holds only the assignment's editable files, as a student would submit.
    """
    name = resolved.name
    if resolved.solution is None:
        raise GradingError(f"{name}: the example class needs the solutions")
    editable = resolved.assignment.editable_files

    def keep(student: str, source_pkg: Path) -> None:
        target = dest / student / name
        target.mkdir(parents=True, exist_ok=True)
        for f in editable:
            (target / f).write_bytes((source_pkg / f).read_bytes())

    keep("reference", resolved.solution)
    keep("skeleton", resolved.release)
    mutants, tasks_seen = [], set()
    for patch in load_patches(resolved.solution, "mutant"):  # one per task, spread over the tasks
        if patch.task not in tasks_seen:
            tasks_seen.add(patch.task)
            mutants.append(patch)
    step = max(1, len(mutants) // max(n_mutants, 1))
    for patch in mutants[::step][:n_mutants]:
        with tempfile.TemporaryDirectory() as tmp:
            root = apply_patch(resolved.solution, patch, Path(tmp))
            keep(f"mutant-{patch.name}", root / name)
    now = time.time()
    for path in dest.rglob("*"):
        os.utime(path, (now, now))
    return dest
