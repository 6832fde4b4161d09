"""Scores that count in an nbgrader course: the kit grades nbgrader's submitted/ folders.

``autograder nbgrader-grade COURSE NAME`` runs two steps:

1. ``grade_submitted``: each ``COURSE/submitted/<student>/<hw>/`` is graded by the kit's grader
   (``autograder.grading.grade``: the editable modules over a fresh copy of the release, public
   and hidden tests, proxied; the worker sees nothing of the course), results in
   ``COURSE/autograder/<hw>/graded/<student>/results.json`` and a gradebook CSV beside them; a
   student whose results are newer than the submission is not graded again;
2. ``write_scores``: each task's score goes into nbgrader's gradebook as the auto score of the
   notebook's test cell for that task (grade_id ``test_1_2`` for task 1.2), so formgrader,
   ``generate_feedback`` and ``export`` show the kit's scores. Manually graded cells are left to
   the graders.

What a notebook kernel computes is never read: the kernel runs the student's code and cannot be
trusted (a cell can silence exceptions, or replace the helper the test cells call). Run this after
``nbgrader autograde``, which writes the notebooks' own scores into the same cells.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.paths import ResolvedAssignment
from autograder.classroom.pool import ClassResult, check_requirements, grade_each, write_gradebook
from autograder.grading.errors import GradingError
from autograder.grading.results import task_scores
from autograder.release.notebooks import test_cell_id

__all__ = ["ScoreChange", "grade_submitted", "nbgrader_grade", "write_scores"]


@dataclass(frozen=True)
class ScoreChange:
    """What writing one student's kit scores changed in nbgrader's gradebook.

    Attributes:
        student: nbgrader's student id.
        kit_total: the kit's score, summed over the test cells.
        notebook_total: what the test cells held before (the notebook's own scores under
            ``nbgrader autograde``), or None when nbgrader had not graded them.
    """

    student: str
    kit_total: float
    notebook_total: float | None

    @property
    def differs(self) -> bool:
        """Whether the notebook's own scores were there and differ from the kit's."""
        return self.notebook_total is not None and abs(self.notebook_total - self.kit_total) > 1e-6


def _students(course: Path, name: str, only: tuple[str, ...]) -> list[tuple[str, Path]]:
    found = sorted(
        (p.parent.name, p) for p in (course / "submitted").glob(f"*/{name}") if p.is_dir()
    )
    if only:
        missing = sorted(set(only) - {s for s, _ in found})
        if missing:
            raise GradingError(f"no submission of {name} in {course / 'submitted'} for {missing}")
        found = [(s, p) for s, p in found if s in only]
    if not found:
        raise GradingError(f"no submissions in {course / 'submitted'}/<student>/{name}/")
    return found


def grade_submitted(
    resolved: ResolvedAssignment,
    course: Path,
    *,
    students: tuple[str, ...] = (),
    jobs: int = 2,
    allow_missing: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[ClassResult]:
    """Grade every ``COURSE/submitted/<student>/<name>/`` (or only ``students``) with the kit.

    Args:
        resolved: the assignment in the instructor's kit, resolved by the command.
        course: the nbgrader course folder.
        students: only these students.
        jobs: submissions graded at once (each in processes of its own).
        allow_missing: grade even though some graded tests need what this machine lacks.
        report: told of such tests (with ``allow_missing``), then given one progress line per
            student as each finishes.

    Raises:
        MissingRequirements: some graded tests need what this machine lacks (before grading).

    Returns:
        One result per student, by name; a student whose grading failed has status ``error``.
    """
    name = resolved.name
    found = _students(course, name, students)
    needs = check_requirements(resolved, allow_missing=allow_missing, report=report)

    def said(result: ClassResult, done: int) -> None:
        if result.results is None:
            what = f"error: {result.message}"
        else:
            score = f"{result.results['score']:g} / {result.results['max_score']:g}"
            how = "cached" if result.cached else f"{result.status.value}, {result.seconds:.1f} s"
            what = f"{score} ({how})"
        if report is not None:
            report(f"[{done}/{len(found)}] {result.student}: {what}")

    out = course / "autograder" / name
    results = grade_each(resolved, found, out / "graded", jobs=jobs, on_result=said, needs=needs)
    write_gradebook(resolved, results, out / "gradebook.csv")
    return results


def _course_id(course: Path) -> str:
    record = course / "autograder" / "course.json"
    if not record.is_file():
        raise GradingError(
            f"{record} is missing: lay out the course with 'autograder release --nbgrader' first"
        )
    return json.loads(record.read_text(encoding="utf-8"))["course_id"]


def write_scores(
    course: Path,
    resolved: ResolvedAssignment,
    results: list[ClassResult],
    *,
    db_url: str | None = None,
) -> list[ScoreChange]:
    """Write the kit's task scores into nbgrader's gradebook, as the test cells' auto scores.

    A student or a submission that nbgrader does not know yet is added. Each task's test cell
    gets the task's score and is marked as not needing manual grading.

    Args:
        course: the nbgrader course folder.
        resolved: the assignment (its tasks), resolved by the command.
        results: the kit's results (students with an error are left as they are).
        db_url: the gradebook; ``sqlite:///COURSE/gradebook.db`` (nbgrader's default) if None.

    Raises:
        GradingError: nbgrader's gradebook lacks the assignment or a task's test cell.
    """
    from nbgrader.api import Gradebook, MissingEntry

    name = resolved.name
    tasks = [t.id for t in resolved.assignment.tasks]
    db_url = db_url or f"sqlite:///{(course / 'gradebook.db').resolve()}"
    changes = []
    with Gradebook(db_url, _course_id(course)) as gb:
        try:
            gb.find_assignment(name)
        except MissingEntry:
            raise GradingError(f"nbgrader's gradebook has no assignment {name!r}") from None
        for result in results:
            if result.results is None:
                continue
            scores = task_scores(result.results)
            gb.update_or_create_student(result.student)
            try:
                submission = gb.find_submission(name, result.student)
            except MissingEntry:
                submission = gb.add_submission(name, result.student)
            cells = {
                grade.name: grade for notebook in submission.notebooks for grade in notebook.grades
            }
            before: float | None = 0.0
            for task_id in tasks:
                score = scores.get(task_id, 0.0)
                grade_id = test_cell_id(task_id)
                if grade_id not in cells:
                    raise GradingError(f"{name}: no test cell {grade_id} in nbgrader's gradebook")
                cell = cells[grade_id]
                if cell.auto_score is None or before is None:
                    before = None
                else:
                    before += cell.auto_score
                cell.auto_score = score
                cell.needs_manual_grade = False
            gb.db.commit()
            kit_total = sum(scores.get(t, 0.0) for t in tasks)
            changes.append(ScoreChange(result.student, kit_total, before))
    return changes


def nbgrader_grade(
    resolved: ResolvedAssignment,
    course: Path,
    *,
    students: tuple[str, ...] = (),
    jobs: int = 2,
    allow_missing: bool = False,
    report: Callable[[str], None] | None = None,
) -> tuple[list[ClassResult], list[ScoreChange]]:
    """Grade nbgrader's submissions of the assignment (resolved by the command) with the kit and
    write the scores to its gradebook.

    Returns:
        The kit's results per student and what changed in the gradebook.
    """
    course = course.resolve()
    results = grade_submitted(
        resolved, course, students=students, jobs=jobs, allow_missing=allow_missing, report=report
    )
    return results, write_scores(course, resolved, results)
