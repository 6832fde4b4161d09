"""Grade many submissions: local workers or a Dask cluster, resumable, one outcome each.

``grade_each`` is the one loop that ``grade_class`` (a folder of submissions) and nbgrader's
``grade_submitted`` use, each with the assignment its command resolved once
(``ResolvedAssignment``: the requirements check, every grading, the fingerprint and the
gradebook take that value). For each submission it reads the editable files here, then grades them
on a backend (``autograder.classroom.backends``: threads on this machine, or a Dask cluster that
receives the release and the tests with the job) and writes ``<out>/<student>/results.json``
atomically, recording the SHA-256 of the submission's files and of the kit's grading files. A
later run takes those results as they are while both fingerprints match (``cached``) and grades
again when either changed; a submission that cannot be read gets ``error.txt`` instead. An
interrupt (SIGINT, SIGTERM) stops the gradings under way, keeps every finished one and writes the
gradebook; rerunning finishes the class.

Each submission ends with a status, from its tests' causes (``Cause``): ``graded``,
``timed_out`` (a test hit its wall-clock or import limit, or the submission its grading time),
``crashed`` (the worker ended, or a memory, process or file limit was hit), ``unreadable`` (a
bad zip, no editable file), or ``interrupted``. The gradebook has one row a student, one column a
task, the status and its reason.
"""

from __future__ import annotations

import csv
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from tqdm import tqdm

from autograder.assignment.paths import ResolvedAssignment
from autograder.classroom.backends import Backend, LocalBackend
from autograder.classroom.inputs import find_submissions
from autograder.classroom.report import write_report
from autograder.grading.bundle import files_fingerprint, kit_fingerprint
from autograder.grading.errors import GradingError
from autograder.grading.intake import IntakeError, collect_editable
from autograder.grading.records import read_tests
from autograder.grading.requirements import collect_tests, describe_unavailable, lacking
from autograder.grading.results import task_scores
from autograder.runtime.causes import Cause

__all__ = [
    "ClassResult",
    "MissingRequirements",
    "check_requirements",
    "Outcome",
    "classify",
    "grade_class",
    "grade_each",
    "score_table",
    "write_gradebook",
]


class Outcome(str, Enum):
    """What happened to one submission."""

    GRADED = "graded"
    TIMED_OUT = "timed_out"  # a test hit its time limit, or the submission its grading time
    CRASHED = "crashed"  # the worker ended, or hit its memory, process or file-size limit
    UNREADABLE = "unreadable"  # a bad zip, no editable file: not graded
    INTERRUPTED = "interrupted"  # the class run was interrupted first: graded on the next run


@dataclass(frozen=True)
class ClassResult:
    """The outcome for one student.

    Attributes:
        student: the student's name.
        status: the outcome.
        results: the results.json content, or None.
        message: why it is not ``graded`` (the first such test's message, or the read error).
        seconds: how long it took.
        cached: the results were already there for the same files and tests.
    """

    student: str
    status: Outcome
    results: dict[str, Any] | None
    message: str = ""
    seconds: float = 0.0
    cached: bool = False


class MissingRequirements(GradingError):
    """Some graded tests need what this machine lacks; grading would cost every student."""


def _outcome(cause: Cause | None) -> Outcome | None:
    """The submission's outcome that a test's cause makes it, if any."""
    if cause is None:
        return None
    if cause.stopped_worker:
        return Outcome.CRASHED
    return Outcome.TIMED_OUT if cause.timed_out else None


def classify(results: dict[str, Any]) -> tuple[Outcome, str]:
    """A graded submission's status and reason, from its tests' causes: a crash or a limit
    before a time-out, since a crash may also end the tests after it."""
    if results.get("extra_data", {}).get("interrupted"):
        return Outcome.INTERRUPTED, "the class run was interrupted"
    tests = read_tests(results)
    for wanted in (Outcome.CRASHED, Outcome.TIMED_OUT):
        hits = [t for t in tests if _outcome(t.cause) is wanted]
        if hits:
            first = hits[0].output.splitlines()[0] if hits[0].output else ""
            many = f" (and {len(hits) - 1} more tests)" if len(hits) > 1 else ""
            return wanted, f"{hits[0].task}: {first}{many}"
    return Outcome.GRADED, ""


def _cached(target: Path, fingerprints: dict[str, str]) -> dict[str, Any] | None:
    """The results at ``target`` when they are complete and for these fingerprints."""
    try:
        results = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    extra = results.get("extra_data", {}) if isinstance(results, dict) else {}
    if extra.get("interrupted") or extra.get("fingerprints") != fingerprints:
        return None
    return results


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def grade_each(
    resolved: ResolvedAssignment,
    entries: list[tuple[str, Path]],
    out: Path,
    *,
    jobs: int = 2,
    on_result: Callable[[ClassResult, int], None] | None = None,
    backend: Backend | None = None,
    needs: tuple[str, ...] | None = None,
) -> list[ClassResult]:
    """Grade each ``(student, submission)`` into ``out/<student>/results.json``.

    Args:
        resolved: the assignment, resolved by the command.
        entries: the students and their submissions (folders or zips).
        out: where results go.
        jobs: submissions graded at once (local backend).
        on_result: called (under a lock) with each result and how many are done so far.
        backend: where gradings run; threads on this machine by default.
        needs: what the tests need from the grading machine, as ``check_requirements`` returns
            it; None: the backend finds out itself if it needs to.

    Returns:
        One result per student, sorted by name. On an interrupt, the students not graded yet
        have status ``interrupted`` and ``KeyboardInterrupt`` is raised after ``on_result``
        saw them; the caller writes the gradebook.
    """
    assignment = resolved.assignment
    tests_print = kit_fingerprint(resolved)
    backend = backend or LocalBackend(jobs)
    lock, done, results = threading.Lock(), [0], {}

    def finish(result: ClassResult) -> None:
        with lock:
            results[result.student] = result
            done[0] += 1
            if on_result is not None:
                on_result(result, done[0])

    def unreadable(student: str, message: str) -> ClassResult:
        (out / student).mkdir(parents=True, exist_ok=True)
        (out / student / "error.txt").write_text(message + "\n", encoding="utf-8")
        (out / student / "results.json").unlink(missing_ok=True)
        return ClassResult(student, Outcome.UNREADABLE, None, message)

    pending = []
    for student, path in entries:
        try:
            files, notes = collect_editable(path, assignment)
        except IntakeError as exc:  # named by its entry: the gradebook is the same elsewhere
            finish(unreadable(student, str(exc).replace(str(path), path.name)))
            continue
        prints = {"submission": files_fingerprint(files), "tests": tests_print}
        cached = _cached(out / student / "results.json", prints)
        if cached is not None:
            status, why = classify(cached)
            finish(ClassResult(student, status, cached, why, cached=True))
            continue
        pending.append((student, files, notes, prints))

    def collect(student: str, outcome: dict[str, Any]) -> None:
        seconds = outcome.get("seconds", 0.0)
        if "error" in outcome:  # the tests could not run on it (not the submission's fault)
            (out / student).mkdir(parents=True, exist_ok=True)
            (out / student / "error.txt").write_text(outcome["error"] + "\n", encoding="utf-8")
            result = ClassResult(student, Outcome.CRASHED, None, outcome["error"])
        elif "results" not in outcome:
            result = ClassResult(student, Outcome.INTERRUPTED, None, "not graded yet")
        else:
            graded = outcome["results"]
            status, why = classify(graded)
            if status is not Outcome.INTERRUPTED:
                _write_json(out / student / "results.json", graded)
                (out / student / "error.txt").unlink(missing_ok=True)
            result = ClassResult(student, status, graded, why)
        finish(replace(result, seconds=seconds))

    jobs_list = [(student, (files, notes, prints)) for student, files, notes, prints in pending]
    try:
        backend.run(resolved, jobs_list, collect, needs=needs)
    except KeyboardInterrupt:
        for student, _ in jobs_list:
            if student not in results:
                finish(ClassResult(student, Outcome.INTERRUPTED, None, "not graded yet"))
        raise
    return sorted(results.values(), key=lambda r: r.student)


def check_requirements(
    resolved: ResolvedAssignment,
    *,
    allow_missing: bool = False,
    report: Callable[[str], None] | None = None,
) -> tuple[str, ...]:
    """Before a class is graded: refuse when some graded tests need what this machine lacks
    (their tests are collected; no submission code runs), or, when ``allow_missing``, tell
    ``report`` what every student will lose.

    Returns:
        What the graded tests need from the grading machine (``requires(...)``), sorted: a
        backend that grades elsewhere sends the data sets among them along.

    Raises:
        MissingRequirements: naming each need, its tests and the points they carry.
    """
    tests = collect_tests(resolved)
    needs = tuple(sorted({need for t in tests for need in t.needs}))
    missing = lacking(tests)
    if not missing:
        return needs
    lines = describe_unavailable(resolved.name, missing)
    if not allow_missing:
        raise MissingRequirements(
            "\n".join([*lines, "Install what is missing, or pass --allow-missing to grade anyway."])
        )
    if report is not None:
        for line in lines:
            report(line)
    return needs


def grade_class(
    resolved: ResolvedAssignment,
    submissions: Path,
    out: Path,
    *,
    jobs: int = 2,
    progress: bool = True,
    backend: Backend | None = None,
    allow_missing: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[ClassResult]:
    """Grade every submission in ``submissions`` (any layout of ``find_submissions``); write
    results, the gradebook and the class report (``report.html``) to ``out``.

    Args:
        resolved: the assignment, resolved once by the command (``resolve_assignment``).
        allow_missing: grade even though some graded tests need what this machine lacks (they
            score 0 for everyone, their points stay in the maximum).
        report: told, before grading, of such tests when ``allow_missing`` is set.

    Raises:
        MissingRequirements: some graded tests need what this machine lacks.
        KeyboardInterrupt: interrupted; the finished results and the gradebook are written.
    """
    name = resolved.name
    students = [(s.student, s.path) for s in find_submissions(submissions, name)]
    needs = check_requirements(resolved, allow_missing=allow_missing, report=report)
    out.mkdir(parents=True, exist_ok=True)
    bar = None
    counts: dict[str, int] = {}
    if progress:
        bar = tqdm(total=len(students), desc=f"grading {name}", unit="submission")

    def seen(result: ClassResult, done: int) -> None:
        if bar is not None:
            key = "cached" if result.cached else result.status.value
            counts[key] = counts.get(key, 0) + 1
            bar.set_postfix(counts, refresh=False)
            bar.update(1)

    try:
        results = grade_each(
            resolved, students, out, jobs=jobs, on_result=seen, backend=backend, needs=needs
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        graded = [r for r in _all_results(out, students) if r is not None]
        write_gradebook(resolved, graded, out / "gradebook.csv")
        write_report(out, name)
        raise
    if bar is not None:
        bar.close()
    write_gradebook(resolved, results, out / "gradebook.csv")
    write_report(out, name)
    return results


def _all_results(out: Path, students: list[tuple[str, Path]]) -> list[ClassResult | None]:
    """What ``out`` holds for each student after an interrupt (for the gradebook)."""
    found: list[ClassResult | None] = []
    for student, _ in students:
        target, error = out / student / "results.json", out / student / "error.txt"
        if target.is_file():
            try:
                results = json.loads(target.read_text(encoding="utf-8"))
            except ValueError:
                results = None
            if results is not None:
                status, why = classify(results)
                found.append(ClassResult(student, status, results, why))
                continue
        if error.is_file():
            message = error.read_text(encoding="utf-8").strip()
            found.append(ClassResult(student, Outcome.UNREADABLE, None, message))
        else:
            found.append(ClassResult(student, Outcome.INTERRUPTED, None, "not graded yet"))
    return found


def write_gradebook(resolved: ResolvedAssignment, results: list[ClassResult], path: Path) -> None:
    """One row a student, one column a task, then the total, the status and its reason."""
    tasks = [t.id for t in resolved.assignment.tasks]
    tmp = path.with_suffix(".part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *tasks, "total", "max_score", "status", "reason"])
        for r in sorted(results, key=lambda r: r.student):
            if r.results is None:
                writer.writerow([r.student, *[""] * len(tasks), "", "", r.status.value, r.message])
                continue
            scores = task_scores(r.results)
            writer.writerow(
                [r.student, *[f"{scores.get(t, 0.0):g}" for t in tasks]]
                + [f"{r.results['score']:g}", f"{r.results['max_score']:g}", r.status.value]
                + [r.message]
            )
    os.replace(tmp, path)


def score_table(resolved: ResolvedAssignment, results: list[ClassResult]) -> list[str]:
    """The class as a text table: one row a student, one column a task."""
    tasks = [t.id for t in resolved.assignment.tasks]
    width = max([len(r.student) for r in results] + [7])
    head = f"{'student':<{width}} " + " ".join(f"{t:>5}" for t in tasks) + "   total  status"
    lines = [head, "-" * len(head)]
    for r in results:
        status = r.status.value + (" (cached)" if r.cached else "")
        if r.results is None:
            lines.append(
                f"{r.student:<{width}} {'':>{6 * len(tasks)}}  {'':>6}  {status}: {r.message}"
            )
            continue
        scores = task_scores(r.results)
        cells = " ".join(f"{scores.get(t, 0.0):>5g}" for t in tasks)
        total = f"{r.results['score']:g}/{r.results['max_score']:g}"
        lines.append(f"{r.student:<{width}} {cells} {total:>8}  {status}")
    return lines
