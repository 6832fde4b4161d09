"""Results of one grading, as readers want them: Gradescope's ``results.json``, a table by task,
points per task.

Rows are the plugin's per-test records: ``task``, ``title``, ``name``, ``points``, ``score``,
``status`` (a ``Status`` value), ``message``, ``hidden``, ``duration`` (seconds), ``facts``
(what the test recorded about its run, ``autograder.harness.Facts``: e.g. ``device``), which
results.json keeps in each test's ``extra_data``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from autograder.assignment.tasks import Assignment, task_key
from autograder.grading.status import Status

__all__ = ["format_points", "gradescope_results", "import_note", "task_scores", "task_table"]


def format_points(x: float) -> str:
    """Points as people write them: ``3``, ``2.5``, ``0.33``."""
    return f"{x:g}" if abs(x - round(x, 2)) < 1e-9 else f"{x:.2f}"


def task_scores(results: dict[str, Any]) -> dict[str, float]:
    """Points earned per task id in a ``results.json`` (every task that has a test)."""
    out: dict[str, float] = {}
    for test in results["tests"]:
        out[test["number"]] = out.get(test["number"], 0.0) + test["score"]
    return out


def task_table(rows: list[dict[str, Any]], assignments: Iterable[Assignment]) -> list[str]:
    """One line per task: points earned of the points tested, counts and the first problem.

    Args:
        rows: per-test results.
        assignments: where task titles come from.
    """
    titles = {t.id: t.title for a in assignments for t in a.tasks}
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_task[row["task"]].append(row)
    width = max([len(t) for t in titles.values()] + [5])
    lines = [f"{'task':<6} {'title':<{width}} {'points':>13}  result"]
    total = earned = 0.0
    for task_id in sorted(by_task, key=task_key):
        counted = [r for r in by_task[task_id] if Status(r["status"]).counts]
        got = sum(r["score"] for r in counted)
        out_of = sum(r["points"] for r in counted)
        total += out_of
        earned += got
        statuses = {Status(r["status"]) for r in counted}
        if statuses <= {Status.PASSED}:
            result = Status.PASSED.word if counted else Status.SKIPPED.word
        elif statuses == {Status.NOT_ATTEMPTED}:
            result = Status.NOT_ATTEMPTED.word
        else:
            bad = [r for r in counted if r["status"] != Status.PASSED]
            first = bad[0]["message"].split("\n")[0]
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
    plain = event["type"] in ("LimitExceeded", "WorkerCrashed")
    kind = "" if plain else f" [{event['type']}]"
    return (
        f"{event['file']} could not be imported (after {event['seconds']:g} s): "
        f"{event['message']}{kind}. The tests that need it score 0."
    )


def gradescope_results(
    rows: list[dict[str, Any]],
    assignment: Assignment,
    elapsed: float,
    protections: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Gradescope's results.json: score, max_score, execution_time, output and tests[]."""
    tests = []
    for row in rows:
        status = Status(row["status"])
        output = row["message"]
        if status is Status.SKIPPED:
            output = f"Skipped (not counted): {output}"
        tests.append(
            {
                "name": f"{row['task']} {row['title']}: {row['name']}",
                "number": row["task"],
                "score": round(row["score"], 4),
                "max_score": round(row["points"], 4) if status.counts else 0.0,
                "status": "passed" if status in (Status.PASSED, Status.SKIPPED) else "failed",
                "output": output,
                "visibility": "after_published" if row["hidden"] else "visible",
                "extra_data": {
                    "status": status.value,
                    "duration": round(row.get("duration", 0.0), 3),
                    "cause": row.get("cause", ""),
                    **row.get("facts", {}),
                },
            }
        )
    return {
        "score": round(sum(t["score"] for t in tests), 4),
        "max_score": round(sum(t["max_score"] for t in tests), 4),
        "execution_time": round(elapsed, 2),
        "output": "\n".join(task_table(rows, [assignment])),
        "tests": tests,
        "extra_data": {"protections": protections or {}},
    }
