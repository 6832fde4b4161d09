"""The class report: one self-contained HTML page over a graded folder.

It reads what grading a class leaves behind, and nothing else:

- ``<graded>/gradebook.csv``: each student's status (``graded``, ``cached``, ``timed_out``,
  ``crashed``, ``unreadable``, ``error``, ... any other word is shown as it is) and, where the
  column exists, its ``reason``; without a gradebook, a student with results is ``graded`` and
  one with only ``error.txt`` is ``error``;
- ``<graded>/<student>/results.json``: Gradescope's results (tests with their score, status,
  output, and, where grading recorded them, ``extra_data`` with the kit's status and duration, and
  the device a test ran on where it recorded one);
- ``<graded>/<student>/error.txt``: why a submission could not be graded.

The page (``report.html``) shows the score histogram, per-task pass rates, the tests that fail
most often with their most common first message, the slowest tests (or, without per-test
durations, the slowest submissions), the devices the tests that record one ran on (the capstone's
learning tests: a GPU where the grader had one, else the CPU), the submissions that timed out,
crashed or could not be read, and the protections that were off while grading.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.assignment.tasks import task_key
from autograder.classroom.page import bar, page, table
from autograder.grading.records import TestResult, read_tests
from autograder.grading.status import Status

__all__ = [
    "ClassReport",
    "ClassTask",
    "ClassTest",
    "Entry",
    "histogram_png",
    "read_graded",
    "render_report",
    "summarise",
    "write_report",
]

GRADED = frozenset({"graded", "cached"})  # statuses whose results are a normal grading


@dataclass(frozen=True)
class Entry:
    """One student of a graded folder.

    Attributes:
        student: the folder's name.
        status: the gradebook's status word (``graded``, ``timed_out``, ...).
        reason: the gradebook's reason, or the first line of ``error.txt``.
        results: results.json, or None where there is none (or it cannot be read).
    """

    student: str
    status: str
    reason: str
    results: dict[str, Any] | None


@dataclass
class ClassTest:
    """One test over the class.

    Attributes:
        name: the test's name in results.json (``"1.1 Add arrays: test_add"``).
        task: its task id.
        runs: submissions in which it was graded.
        failed: of those, how many failed (not counting untouched stubs).
        not_attempted: how many were untouched stubs.
        messages: the first line of each failure's output, counted.
        durations: seconds per run, where results.json records them.
        devices: the devices it ran on, counted, where results.json records them.
    """

    name: str
    task: str
    runs: int = 0
    failed: int = 0
    not_attempted: int = 0
    messages: Counter[str] = field(default_factory=Counter)
    durations: list[float] = field(default_factory=list)
    devices: Counter[str] = field(default_factory=Counter)


@dataclass
class ClassTask:
    """One task over the class.

    Attributes:
        id: the task's id.
        title: its title, from the tests' names.
        points: its points.
        earned: each submission's points in it.
        untouched: the submissions in which every test of it was an untouched stub.
    """

    id: str
    title: str
    points: float
    earned: list[float] = field(default_factory=list)
    untouched: int = 0


@dataclass
class ClassReport:
    """What the page shows, computed from the entries (see ``summarise``)."""

    name: str
    entries: list[Entry]
    scores: list[float]
    max_score: float
    tasks: list[ClassTask]
    tests: list[ClassTest]
    protections_off: dict[str, dict[str, list[str]]]  # name -> reason -> students

    @property
    def problems(self) -> list[Entry]:
        """Submissions whose grading did not finish normally."""
        return [e for e in self.entries if e.status not in GRADED or e.results is None]


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
        return None
    numbers = [data.get("score"), data.get("max_score")]
    return data if all(isinstance(n, (int, float)) for n in numbers) else None


def _first_line(text: str) -> str:
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def read_graded(graded: Path) -> list[Entry]:
    """The students of a graded folder: the gradebook's rows and every student folder."""
    graded = Path(graded)
    book: dict[str, dict[str, str]] = {}
    gradebook = graded / "gradebook.csv"
    if gradebook.is_file():
        with open(gradebook, newline="", encoding="utf-8") as fh:
            book = {row["student"]: row for row in csv.DictReader(fh) if row.get("student")}
    folders = {p.name for p in graded.iterdir() if p.is_dir() and not p.name.startswith(".")}
    entries = []
    for student in sorted(set(book) | folders):
        folder = graded / student
        results = _read_json(folder / "results.json")
        error = folder / "error.txt"
        row = book.get(student, {})
        status = (row.get("status") or "").strip() or ("graded" if results else "error")
        reason = (row.get("reason") or "").strip()
        if not reason and error.is_file():
            reason = _first_line(error.read_text(encoding="utf-8", errors="replace"))
        if not reason and status not in GRADED and results is None:
            reason = "no results.json"
        entries.append(Entry(student, status, reason, results))
    return entries


def _tally(stats: ClassTest, test: TestResult) -> None:
    """Count one submission's run of a test."""
    stats.runs += 1
    if test.status is Status.NOT_ATTEMPTED:
        stats.not_attempted += 1
    elif test.status not in (Status.PASSED, Status.SKIPPED):
        stats.failed += 1
        stats.messages[_first_line(test.output) or "(no message)"] += 1
    if test.duration is not None:
        stats.durations.append(test.duration)
    if test.device:
        stats.devices[test.device] += 1


def summarise(name: str, entries: list[Entry]) -> ClassReport:
    """Scores, task pass rates, test failures and durations, and protections off."""
    graded = [(e.student, e.results) for e in entries if e.results is not None]
    tests: dict[str, ClassTest] = {}
    titles: dict[str, str] = {}
    tasks: dict[str, ClassTask] = {}
    off: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for student, results in graded:
        got: dict[str, float] = defaultdict(float)
        out_of: dict[str, float] = defaultdict(float)
        touched: dict[str, bool] = defaultdict(bool)
        for test in read_tests(results, name):
            task, test_name = test.task, test.label
            titles.setdefault(task, test.title)
            _tally(tests.setdefault(test_name, ClassTest(test_name, task)), test)
            got[task] += test.score
            out_of[task] += test.max_score
            touched[task] |= test.status is not Status.NOT_ATTEMPTED
        for task in got:
            entry = tasks.setdefault(task, ClassTask(task, titles[task], 0.0))
            entry.earned.append(got[task])
            entry.points = max(entry.points, out_of[task])
            entry.untouched += not touched[task]
        protections = (results.get("extra_data") or {}).get("protections") or {}
        for protection, state in protections.items():
            if str(state).startswith("off"):
                off[protection][str(state)].append(student)
    return ClassReport(
        name=name,
        entries=entries,
        scores=[float(results["score"]) for _, results in graded],
        max_score=max((float(results["max_score"]) for _, results in graded), default=0.0),
        tasks=[tasks[task] for task in sorted(tasks, key=_safe_task_key)],
        tests=list(tests.values()),
        protections_off={k: dict(v) for k, v in sorted(off.items())},
    )


def _safe_task_key(task: str) -> tuple[int, list[int] | str]:
    try:
        return (0, task_key(task))
    except ValueError:
        return (1, task)


def histogram_png(scores: list[float], max_score: float) -> bytes:
    """A bar chart of the scores (points from 0 to ``max_score``), as PNG bytes."""
    # imported here: matplotlib costs every ``autograder`` command (students' too) half a second
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    top = max([max_score, *scores, 1.0])
    bins = int(min(20, max(1, math.ceil(top))))
    figure = Figure(figsize=(7, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.hist(scores, bins=bins, range=(0, top), color="#4a7ebb", edgecolor="white")
    ax.set_xlabel(f"score (of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _summary(report: ClassReport) -> list[str]:
    statuses = Counter(e.status for e in report.entries)
    counts = ", ".join(f"{n} {html.escape(s)}" for s, n in sorted(statuses.items()))
    lines = [f"<p>{len(report.entries)} submissions{': ' + counts if counts else ''}.</p>"]
    if report.scores:
        ordered = sorted(report.scores)
        mid = len(ordered) // 2
        median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        mean = sum(ordered) / len(ordered)
        lines.append(
            f"<p>Scores of the {len(ordered)} with results (of {report.max_score:g}): "
            f"mean {mean:.2f}, median {median:g}, min {ordered[0]:g}, max {ordered[-1]:g}.</p>"
        )
    return lines


def _histogram(report: ClassReport) -> list[str]:
    if not report.scores:
        return ["<p>No submission has results.</p>"]
    data = base64.b64encode(histogram_png(report.scores, report.max_score)).decode("ascii")
    return [
        f'<img id="histogram" alt="histogram of {len(report.scores)} scores" '
        f'src="data:image/png;base64,{data}">'
    ]


def _tasks(report: ClassReport) -> list[str]:
    rows = []
    for task in report.tasks:
        n = len(task.earned)
        full = sum(1 for g in task.earned if task.points and g >= task.points - 1e-9)
        rows.append(
            [
                html.escape(task.id),
                html.escape(task.title),
                f"{task.points:g}",
                bar(full / n if n else 0.0, f"{full} of {n} ({_pct(full, n)})"),
                f"{sum(task.earned) / n if n else 0.0:.2f}",
                str(task.untouched),
            ]
        )
    head = ["task", "title", "points", "full marks", "mean points", "not attempted"]
    return [table(head, rows, numeric=(2, 4, 5))]


def _failing(report: ClassReport, top: int) -> list[str]:
    failing = sorted(
        (t for t in report.tests if t.failed or t.not_attempted),
        key=lambda t: (-t.failed, -t.not_attempted, t.name),
    )[:top]
    if not failing:
        return ["<p>No test failed.</p>"]
    rows = []
    for t in failing:
        message, count = t.messages.most_common(1)[0] if t.failed else ("", 0)
        rows.append(
            [
                html.escape(t.name),
                bar(t.failed / t.runs, f"{t.failed} of {t.runs}"),
                str(t.not_attempted),
                f"<pre>{html.escape(message[:300])}</pre>"
                + (f'<span class="muted">({count} of {t.failed})</span>' if t.failed else ""),
            ]
        )
    head = ["test", "failed", "not attempted", "most common first message"]
    return [table(head, rows, numeric=(2,))]


def _slowest(report: ClassReport, top: int) -> list[str]:
    timed = [t for t in report.tests if t.durations]
    if timed:
        timed.sort(key=lambda t: -max(t.durations))
        rows = [
            [
                html.escape(t.name),
                f"{sum(t.durations) / len(t.durations):.2f}",
                f"{max(t.durations):.2f}",
                str(len(t.durations)),
            ]
            for t in timed[:top]
        ]
        return [table(["test", "mean s", "max s", "runs"], rows, numeric=(1, 2, 3))]
    seconds = sorted(
        (
            (float(e.results.get("execution_time", 0.0)), e.student)
            for e in report.entries
            if e.results
        ),
        key=lambda pair: -pair[0],
    )
    rows = [[html.escape(student), f"{t:.1f}"] for t, student in seconds[:top]]
    note = '<p class="muted">The results hold no per-test durations: slowest submissions.</p>'
    return [note, table(["submission", "seconds"], rows, numeric=(1,))]


def _devices(report: ClassReport) -> list[str]:
    """The devices of the tests that record one; nothing where none does."""
    tests = [t for t in report.tests if t.devices]
    if not tests:
        return []
    rows = [
        [
            html.escape(t.name),
            html.escape(", ".join(f"{d}: {n}" for d, n in sorted(t.devices.items()))),
            str(sum(t.devices.values())),
        ]
        for t in tests
    ]
    return ["<h2>Devices</h2>", table(["test", "ran on", "runs"], rows, numeric=(2,))]


def _problems(report: ClassReport) -> list[str]:
    problems = report.problems
    if not problems:
        return ["<p>Every submission was graded.</p>"]
    rows = [
        [
            html.escape(e.student),
            f'<span class="bad">{html.escape(e.status)}</span>',
            html.escape(e.reason),
            "-" if e.results is None else f"{float(e.results.get('score', 0)):g}",
        ]
        for e in problems
    ]
    return [table(["submission", "status", "reason", "score"], rows, numeric=(3,))]


def _protections(report: ClassReport) -> list[str]:
    if not report.protections_off:
        return ["<p>Every protection was on for every submission.</p>"]
    rows = []
    for name, reasons in report.protections_off.items():
        for reason, students in reasons.items():
            shown = ", ".join(students[:8]) + (" ..." if len(students) > 8 else "")
            rows.append([html.escape(name), html.escape(reason), str(len(students)), shown])
    return [table(["protection", "state", "submissions", "which"], rows, numeric=(2,))]


def render_report(report: ClassReport, *, top: int = 10) -> str:
    """The HTML page of a class report."""
    body = [
        f"<h1>Class report: {html.escape(report.name)}</h1>",
        *_summary(report),
        "<h2>Scores</h2>",
        *_histogram(report),
        "<h2>Tasks</h2>",
        *_tasks(report),
        f"<h2>Tests failing most often (top {top})</h2>",
        *_failing(report, top),
        f"<h2>Slowest (top {top})</h2>",
        *_slowest(report, top),
        *_devices(report),
        "<h2>Timed out, crashed or not graded</h2>",
        *_problems(report),
        "<h2>Protections off</h2>",
        *_protections(report),
    ]
    return page(f"{report.name}: class report", body)


def write_report(graded: Path, name: str, *, out: Path | None = None, top: int = 10) -> Path:
    """Write the class report of a graded folder.

    Args:
        graded: the folder ``grade-class`` wrote (``<student>/results.json``, ``gradebook.csv``).
        name: the assignment, for the title.
        out: the page to write; ``<graded>/report.html`` by default.
        top: rows in the lists of failing and slowest tests.

    Returns:
        The page's path.
    """
    graded = Path(graded)
    out = out or graded / "report.html"
    text = render_report(summarise(name, read_graded(graded)), top=top)
    tmp = out.with_suffix(out.suffix + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
