"""Before a class is graded: the graded tests this machine cannot run, and why.

A test that needs a data set or a GPU the grading machine lacks is not run and scores 0 of its
points (``autograder.runtime.requirements``): every student would lose them. ``unavailable``
collects the assignment's tests (no submission code runs, ``collect_tests``) and lists those, so
that ``grade-class`` can refuse to start and name what to install.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.paths import ResolvedAssignment
from autograder.grading.errors import GradingError
from autograder.grading.records import TestResult
from autograder.grading.run import Run, _run, pytest_command, read_events

__all__ = [
    "Unavailable",
    "collect_tests",
    "declared_needs",
    "describe_unavailable",
    "lacking",
    "unavailable",
]


@dataclass(frozen=True)
class Unavailable:
    """A graded test this machine cannot run.

    Attributes:
        nodeid: the test.
        task: its task id.
        points: its points (kept in the maximum, scored 0).
        missing: what is missing -> why (the first line of the check's message).
    """

    nodeid: str
    task: str
    points: float
    missing: dict[str, str]


def collect_tests(
    resolved: ResolvedAssignment, *, public_only: bool = False, tasks: tuple[str, ...] = ()
) -> list[TestResult]:
    """The graded tests of the assignment as the plugin describes them when it collects them
    (no submission code runs; each ``NOT_GRADED``): with their task, points, ``needs`` (what the
    test asks of the grading machine: its ``requires`` and ``gpu`` markers) and ``missing``
    (those this machine lacks -> why).

    Raises:
        GradingError: its tests cannot be collected.
    """
    with tempfile.TemporaryDirectory(prefix="ag-collect-") as tmp:
        results = Path(tmp) / "collected.jsonl"
        cmd = pytest_command(
            resolved.tests,
            resolved.release.parent,
            results,
            mode="proxied",
            tasks=tasks,
            public_only=public_only or resolved.solution is None,
            sandbox=False,
            worker_user="keep",
            slow_import="stop",
            collect_only=True,
        )
        log, _ = _run(cmd, timeout=300)
        run = Run(log=log)
        read_events(results, run)
    if not run.collected:
        raise GradingError(f"the tests of {resolved.name} could not be collected:\n{log[-3000:]}")
    return run.collected


def unavailable(
    resolved: ResolvedAssignment, *, public_only: bool = False, tasks: tuple[str, ...] = ()
) -> list[Unavailable]:
    """The graded tests of the assignment that need what this machine lacks (collection only).

    Raises:
        GradingError: its tests cannot be collected.
    """
    return lacking(collect_tests(resolved, public_only=public_only, tasks=tasks))


def lacking(tests: list[TestResult]) -> list[Unavailable]:
    """Among tests as :func:`collect_tests` gives them, those that need what this machine lacks."""
    return [Unavailable(t.nodeid, t.task, t.max_score, dict(t.missing)) for t in tests if t.missing]


def declared_needs(resolved: ResolvedAssignment) -> dict[str, list[str]]:
    """What the graded tests of the assignment need from the grading machine (``requires(...)``
    and ``gpu`` markers), each with the tests that need it; collection only.

    Raises:
        GradingError: its tests cannot be collected.
    """
    found: dict[str, list[str]] = {}
    for test in collect_tests(resolved):
        for need in test.needs:
            found.setdefault(need, []).append(test.nodeid)
    return found


def describe_unavailable(name: str, found: list[Unavailable]) -> list[str]:
    """Lines for the instructor: what is missing, which tests it costs, how many points."""
    by_need: dict[str, list[Unavailable]] = {}
    for test in found:
        for need in test.missing:
            by_need.setdefault(need, []).append(test)
    lines = []
    for need, tests in by_need.items():
        points = sum(t.points for t in tests)
        why = tests[0].missing[need].splitlines()[0]
        lines.append(f"{name}: this machine lacks {need} ({why})")
        lines += [f"  {t.nodeid} (task {t.task}, {t.points:g} points)" for t in tests]
        lines.append(f"  every submission would score 0 of these {points:g} points")
    return lines
