"""Plain-text tables of results, by task, for students and instructors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from autograder.tasks import Assignment

__all__ = ["STATUS_WORDS", "task_table"]

STATUS_WORDS = {
    "passed": "pass",
    "failed": "FAIL",
    "not_attempted": "not attempted",
    "skipped": "skipped",
    "not_graded": "not graded",
}


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x - round(x, 2)) < 1e-9 else f"{x:.2f}"


def task_table(rows: list[dict[str, Any]], assignments: Iterable[Assignment]) -> list[str]:
    """One line per task: points earned of the points tested, counts and the first problem.

    Args:
        rows: per-test results (``task``, ``points``, ``score``, ``status``, ``message``).
        assignments: where task titles come from.
    """
    titles = {t.id: t.title for a in assignments for t in a.tasks}
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_task[row["task"]].append(row)
    width = max([len(t) for t in titles.values()] + [5])
    lines = [f"{'task':<6} {'title':<{width}} {'points':>13}  result"]
    total = earned = 0.0
    for task_id in sorted(by_task, key=lambda t: [int(p) for p in t.split(".")]):
        tests = by_task[task_id]
        counted = [r for r in tests if r["status"] != "skipped"]
        got = sum(r["score"] for r in counted)
        out_of = sum(r["points"] for r in counted)
        total += out_of
        earned += got
        statuses = {r["status"] for r in counted}
        if statuses <= {"passed"}:
            result = "pass" if counted else "skipped"
        elif statuses == {"not_attempted"}:
            result = "not attempted"
        else:
            bad = [r for r in counted if r["status"] != "passed"]
            first = bad[0]["message"].split("\n")[0]
            result = f"{len(bad)}/{len(counted)} failing: {first[:90]}"
        score = f"{_fmt(got)} / {_fmt(out_of)}"
        lines.append(f"{task_id:<6} {titles.get(task_id, ''):<{width}} {score:>13}  {result}")
    lines.append(f"{'':<6} {'total':<{width}} {_fmt(earned) + ' / ' + _fmt(total):>13}")
    return lines
