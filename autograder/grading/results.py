"""Results of one grading, as readers want them: Gradescope's ``results.json``, a table by task,
points per task.

Each test is a ``TestResult`` (``autograder.grading.records``): results.json holds each one's
kit fields (status, cause, duration, device) in its ``extra_data``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from autograder.assignment.tasks import Assignment, task_key
from autograder.grading.records import TestResult, read_tests
from autograder.grading.status import Status
from autograder.runtime.causes import Cause

__all__ = ["format_points", "gradescope_results", "import_note", "task_scores", "task_table"]


def format_points(x: float) -> str:
    """Points as people write them: ``3``, ``2.5``, ``0.33``."""
    return f"{x:g}" if abs(x - round(x, 2)) < 1e-9 else f"{x:.2f}"


def task_scores(results: dict[str, Any]) -> dict[str, float]:
    """Points earned per task id in a ``results.json`` (every task that has a test)."""
    out: dict[str, float] = {}
    for test in read_tests(results):
        out[test.task] = out.get(test.task, 0.0) + test.score
    return out


def task_table(rows: list[TestResult], assignments: Iterable[Assignment]) -> list[str]:
    """One line per task: points earned of the points tested, counts and the first problem.

    Args:
        rows: per-test results.
        assignments: where task titles come from.
    """
    titles = {t.id: t.title for a in assignments for t in a.tasks}
    by_task: dict[str, list[TestResult]] = defaultdict(list)
    for row in rows:
        by_task[row.task].append(row)
    width = max([len(t) for t in titles.values()] + [5])
    lines = [f"{'task':<6} {'title':<{width}} {'points':>13}  result"]
    total = earned = 0.0
    for task_id in sorted(by_task, key=task_key):
        counted = [r for r in by_task[task_id] if r.status.counts]
        got = sum(r.score for r in counted)
        out_of = sum(r.max_score for r in counted)
        total += out_of
        earned += got
        statuses = {r.status for r in counted}
        if statuses <= {Status.PASSED}:
            result = Status.PASSED.word if counted else Status.SKIPPED.word
        elif statuses == {Status.NOT_ATTEMPTED}:
            result = Status.NOT_ATTEMPTED.word
        else:
            bad = [r for r in counted if not r.passed]
            first = bad[0].output.split("\n")[0]
            result = f"{len(bad)}/{len(counted)} failing: {first[:90]}"
        score = f"{format_points(got)} / {format_points(out_of)}"
        lines.append(f"{task_id:<6} {titles.get(task_id, ''):<{width}} {score:>13}  {result}")
    total_text = f"{format_points(earned)} / {format_points(total)}"
    lines.append(f"{'':<6} {'total':<{width}} {total_text:>13}")
    return lines


def import_note(event: dict[str, Any]) -> str:
    """One line, for the top of the feedback, on a module whose import failed."""
    if event.get("because"):
        return (
            f"{event['file']} could not be imported: it imports {event['because']}, whose import "
            "failed. The tests that need it score 0."
        )
    cause = Cause.read(event.get("cause"))
    plain = cause is not None and (cause.timed_out or cause.stopped_worker)  # says it all
    kind = "" if plain else f" [{event['type']}]"
    return (
        f"{event['file']} could not be imported (after {event['seconds']:g} s): "
        f"{event['message']}{kind}. The tests that need it score 0."
    )


def gradescope_results(
    rows: list[TestResult],
    assignment: Assignment,
    elapsed: float,
    protections: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Gradescope's results.json: score, max_score, execution_time, output and tests[]."""
    tests = [row.to_gradescope() for row in rows]
    return {
        "score": round(sum(t["score"] for t in tests), 4),
        "max_score": round(sum(t["max_score"] for t in tests), 4),
        "execution_time": round(elapsed, 2),
        "output": "\n".join(task_table(rows, [assignment])),
        "tests": tests,
        "extra_data": {"protections": protections or {}},
    }
