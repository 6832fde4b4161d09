"""The student's check: an assignment's public tests on one copy, in a pytest process of its own.

``autograder check``, a notebook's test cells (``autograder.integrations.notebook.check_task``)
and the otter-grader test files (``autograder.integrations.otter``) all call ``check_folder`` and
show the same lines:
the table by task, then the first failing tests with their messages.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.tasks import Assignment, load_tasks
from autograder.grading.records import TestResult
from autograder.grading.results import task_table
from autograder.grading.run import run_tests
from autograder.grading.status import Status

__all__ = ["CheckResult", "check_folder"]

MAX_MESSAGES = 10


@dataclass(frozen=True)
class CheckResult:
    """What the public tests said about one copy of an assignment.

    Attributes:
        assignment: the copy's tasks.
        rows: one result per public test that ran.
        notes: what happened once for the whole run (a module whose import failed or hung).
    """

    assignment: Assignment
    rows: list[TestResult]
    notes: tuple[str, ...] = ()

    @property
    def failing(self) -> list[TestResult]:
        """The tests that neither passed nor were skipped."""
        return [r for r in self.rows if r.status not in (Status.PASSED, Status.SKIPPED)]

    def earned(self, task_id: str | None = None) -> float:
        """Points earned by the public tests (of one task, or all)."""
        return sum(r.score for r in self._counted(task_id))

    def possible(self, task_id: str | None = None) -> float:
        """Points the public tests that count are worth (skipped tests do not count)."""
        return sum(r.max_score for r in self._counted(task_id))

    def _counted(self, task_id: str | None) -> list[TestResult]:
        return [r for r in self.rows if r.status.counts and (task_id is None or r.task == task_id)]

    def lines(self) -> list[str]:
        """The table by task, then up to ``MAX_MESSAGES`` failing tests, each after a blank line."""
        out = [
            *self.notes,
            *([""] if self.notes else []),
            *task_table(self.rows, [self.assignment]),
        ]
        for row in self.failing[:MAX_MESSAGES]:
            out += ["", f"{row.task} {row.name}: {row.output}"]
        if len(self.failing) > MAX_MESSAGES:
            more = len(self.failing) - MAX_MESSAGES
            out += ["", f"... and {more} more; run with --task to focus on one task."]
        return out


def check_folder(
    folder: Path,
    tasks: Sequence[str] = (),
    *,
    timeout: float | None = None,
    stop_slow_imports: bool = False,
) -> CheckResult:
    """Run the public tests of the assignment copy ``folder`` (its own ``tests/``).

    The submission is imported in the pytest process (as a student's check does, so the files on
    disk are what is tested), never in the caller's process.

    Args:
        folder: the copy, e.g. ``assignments/hw1_mlp_numpy``.
        tasks: only these task ids; all by default.
        timeout: seconds for the whole run.
        stop_slow_imports: stop a student module's import that outlasts the assignment's
            ``import_limit`` and fail the tests that need it (notebook cells, which have a time
            limit of their own); by default a message says what is being waited for, and the
            check waits.

    Raises:
        autograder.assignment.tasks.TasksError: no tasks.toml, or a task id it does not list.
        autograder.grading.errors.GradingError: the tests could not be collected.
    """
    folder = Path(folder).resolve()
    assignment = load_tasks(folder)
    for task in tasks:
        assignment.task(task)
    with tempfile.TemporaryDirectory(prefix="ag-check-") as tmp:
        run = run_tests(
            folder / "tests",
            folder.parent,
            Path(tmp) / "results.jsonl",
            mode="inprocess",
            tasks=tuple(tasks),
            public_only=True,
            timeout=timeout,
            slow_import="stop" if stop_slow_imports else "warn",
        )
    return CheckResult(assignment, run.rows, run.notes)
