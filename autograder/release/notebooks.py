"""Notebooks in the release: nbgrader's generate-assignment steps, their secret lines, and the
autograded test cells checked against tasks.toml (one per task, ``test_1_2`` for task 1.2)."""

from __future__ import annotations

from types import ModuleType

from autograder.assignment.tasks import Assignment
from autograder.release.errors import ReleaseError
from autograder.release.regions import BEGIN, END, HIDDEN_BEGIN, HIDDEN_END

__all__ = [
    "check_test_cells",
    "notebook_secrets",
    "notebook_source",
    "release_notebook",
    "test_cell_id",
]

# nbgrader's generate_assignment preprocessors, in its order
STEPS = (
    "CheckCellMetadata",
    "LockCells",
    "ClearSolutions",
    "ClearOutput",
    "ClearHiddenTests",
    "ClearMarkScheme",
    "ComputeChecksums",
    "CheckCellMetadata",
)


def _nbformat() -> ModuleType:
    """nbformat, imported when a notebook is first read: its import takes seconds (jsonschema's
    format checkers), which every ``autograder`` command would otherwise pay."""
    import nbformat

    return nbformat


def notebook_source(text: str) -> str:
    """The cells' sources of a notebook's JSON text, one after another."""
    return "\n".join(c.source for c in _nbformat().reads(text, as_version=4).cells)


def release_notebook(text: str) -> str:
    """Run nbgrader's generate-assignment preprocessors over a source notebook's JSON text.

    nbgrader (the ``notebook`` extra) is imported here, so that the kit works without it.
    """
    from nbgrader import preprocessors

    nb = _nbformat().reads(text, as_version=4)
    resources = {"language": "python", "nbgrader": {}}
    for step in STEPS:
        nb, resources = getattr(preprocessors, step)().preprocess(nb, resources)
    return _nbformat().writes(nb) + "\n"


def notebook_secrets(text: str) -> list[str]:
    """The lines inside solution and hidden-test regions of a notebook's cells."""
    nb = _nbformat().reads(text, as_version=4)
    secret: list[str] = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() in (BEGIN, HIDDEN_BEGIN):
                inside = True
            elif line.strip() in (END, HIDDEN_END):
                inside = False
            elif inside:
                secret.append(line)
    return secret


def test_cell_id(task_id: str) -> str:
    """The nbgrader grade_id of a task's autograded test cell: ``test_1_2`` for task 1.2."""
    return "test_" + task_id.replace(".", "_")


def check_test_cells(assignment: Assignment, text: str, where: str) -> int:
    """Check a notebook's autograded test cells against tasks.toml.

    A notebook has no autograded test cell or one per task: grade_id ``test_cell_id(task)``,
    the task's points, and a call ``check_task("<task>"``. Manually graded cells are not checked.

    Returns:
        The number of autograded test cells.

    Raises:
        ReleaseError: a test cell is missing, extra, or disagrees with tasks.toml.
    """
    cells = {}
    for cell in _nbformat().reads(text, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and not meta.get("task"):
            cells[meta.get("grade_id")] = (meta.get("points"), cell.source)
    if not cells:
        return 0
    want = {test_cell_id(t.id): t for t in assignment.tasks}
    problems = [f"{g} is not a task's test cell" for g in sorted(set(cells) - set(want))]
    for grade_id, task in want.items():
        if grade_id not in cells:
            problems.append(f"task {task.id} has no test cell {grade_id}")
            continue
        points, source = cells[grade_id]
        if points is None or float(points) != task.points:
            problems.append(f"{grade_id} has {points} points, task {task.id} {task.points:g}")
        if f'check_task("{task.id}"' not in source:
            problems.append(f'{grade_id} does not call check_task("{task.id}", ...)')
    if problems:
        raise ReleaseError(
            f"{where}: the autograded test cells disagree with tasks.toml: " + "; ".join(problems)
        )
    return len(cells)
